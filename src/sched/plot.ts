/**
 * Each VM's CPU share over time as an SVG line chart: one line per VM (its share of one pCPU,
 * averaged over a trailing stretch of virtual time, 300 ms by default: ten Credit slices, so the
 * line shows the share and not which VM holds the pCPU at the moment), a dashed line at its
 * entitlement, axes in milliseconds and percent.
 * A small writer rather than a charting library: the chart is a dozen elements.
 */
import type { HostMetrics } from './metrics.js';
import { MS } from './time.js';

const W = 800, H = 400, M = { left: 60, right: 150, top: 30, bottom: 45 };
/** Tableau 10: distinct, colour-blind-safe colours. */
const COLOURS = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

const esc = (s: string): string => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The mean of the last `k` values at every point (fewer at the start). */
function trailing(xs: readonly number[], k: number): number[] {
  let sum = 0;
  return xs.map((x, i) => { sum += x - (i >= k ? xs[i - k] : 0); return sum / Math.min(i + 1, k); });
}

export function shareChart(m: HostMetrics, title: string, averageNs = 300 * MS): string {
  const k = Math.max(1, Math.round(averageNs / m.windowNs));
  const lines = m.vms.map((v) => trailing(v.timeline, k));
  const windows = Math.max(1, ...lines.map((l) => l.length));
  const top = Math.max(1, ...lines.flat()) * 1.05;
  const pw = W - M.left - M.right, ph = H - M.top - M.bottom;
  const x = (k: number) => M.left + (k / windows) * pw;
  const y = (share: number) => M.top + ph - (share / top) * ph;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="18" text-anchor="middle" font-size="14">${esc(title)}</text>`,
    `<line x1="${M.left}" y1="${M.top + ph}" x2="${M.left + pw}" y2="${M.top + ph}" stroke="black"/>`,
    `<line x1="${M.left}" y1="${M.top}" x2="${M.left}" y2="${M.top + ph}" stroke="black"/>`,
    `<text x="${M.left + pw / 2}" y="${H - 8}" text-anchor="middle">virtual time (ms), windows of ${m.windowNs / MS} ms</text>`,
    `<text transform="translate(15 ${M.top + ph / 2}) rotate(-90)" text-anchor="middle">CPU share (% of one pCPU), last ${(k * m.windowNs) / MS} ms</text>`,
  ];
  for (let i = 0; i <= 5; i++) {
    const s = (top * i) / 5, t = (windows * i) / 5;
    out.push(`<text x="${M.left - 6}" y="${y(s) + 4}" text-anchor="end">${(s * 100).toFixed(0)}</text>`);
    out.push(`<text x="${x(t)}" y="${M.top + ph + 16}" text-anchor="middle">${((t * m.windowNs) / MS).toFixed(0)}</text>`);
  }
  m.vms.forEach((v, i) => {
    const c = COLOURS[i % COLOURS.length];
    const pts = lines[i].map((s, w) => `${x(w + 1).toFixed(1)},${y(s).toFixed(1)}`).join(' ');
    out.push(`<polyline fill="none" stroke="${c}" stroke-width="1.5" points="${pts}"/>`);
    if (v.entitlement > 0) out.push(`<line x1="${M.left}" x2="${M.left + pw}" y1="${y(v.entitlement)}" y2="${y(v.entitlement)}" stroke="${c}" stroke-dasharray="4 3"/>`);
    const ly = M.top + 10 + i * 18;
    out.push(`<line x1="${W - M.right + 12}" x2="${W - M.right + 32}" y1="${ly}" y2="${ly}" stroke="${c}" stroke-width="2"/>`);
    out.push(`<text x="${W - M.right + 38}" y="${ly + 4}">${esc(v.name)}</text>`);
  });
  out.push(`<text x="${W - M.right + 12}" y="${M.top + 14 + m.vms.length * 18}" fill="#555">dashed: entitlement</text>`);
  out.push('</svg>');
  return out.join('\n') + '\n';
}
