/**
 * The demo page's main thread: the controls, the terminal, the counters, the comparison's table
 * and chart. Guests run in a Web Worker (worker.ts); this thread only renders what it posts.
 */
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import '@xterm/xterm/css/xterm.css';
import './style.css';
import { STRATEGIES } from 'vmlab/vmm';
import { WORKLOADS, textColumns, chartSpec, imageRef, LEGEND, type Row } from 'vmlab/compare';
import type { StatRow } from 'vmlab';
import type { FromWorker, ToWorker } from './protocol';

/** The committed guest images, by file name. */
const GUESTS: Record<string, string> = Object.fromEntries(
  Object.entries(import.meta.glob('../guests/build/*.elf', { query: '?url', import: 'default', eager: true }) as Record<string, string>)
    .map(([path, url]) => [path.split('/').pop()!, url]));

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = (text: string) => { $('status').textContent = text; };

const term = new Terminal({ convertEol: true, fontSize: 13, scrollback: 5000 });
const fit = new FitAddon();
term.loadAddon(fit);
term.open($('terminal'));
fit.fit();
addEventListener('resize', () => fit.fit());

let worker: Worker | undefined;
const newWorker = () => new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
term.onData((text) => worker?.postMessage({ type: 'input', text } satisfies ToWorker));

function showStats(rows: StatRow[]): void {
  const body = $('stats').querySelector('tbody')!;
  body.replaceChildren(...rows.map(([label, value]) => {
    const tr = document.createElement('tr');
    for (const text of [label, value]) tr.appendChild(document.createElement('td')).textContent = text;
    return tr;
  }));
}

function stop(why: string): void {
  worker?.terminate();
  worker = undefined;
  $<HTMLButtonElement>('stop').disabled = true;
  $<HTMLButtonElement>('boot').disabled = false;
  status(why);
}

/** Boots `bytes` in a fresh worker (a stopped guest is a terminated worker: nothing lingers). */
function bootImage(name: string, bytes: ArrayBuffer): void {
  stop('booting');
  term.reset();
  showStats([]);
  const strategy = $<HTMLSelectElement>('strategy').value;
  const isMinios = name.startsWith('minios');
  const bootargs = isMinios ? $<HTMLInputElement>('bootargs').value : undefined;
  worker = newWorker();
  worker.onmessage = (e: MessageEvent<FromWorker>) => {
    const m = e.data;
    if (m.type === 'output') term.write(m.text);
    else if (m.type === 'stats') showStats(m.rows);
    else if (m.type === 'done') stop(`${name}: ${m.outcome}`);
    else if (m.type === 'error') stop(`${name}: error: ${m.message}`);
  };
  worker.postMessage({ type: 'boot', name, bytes, strategy, bootargs } satisfies ToWorker, [bytes]);
  $<HTMLButtonElement>('stop').disabled = false;
  $<HTMLButtonElement>('boot').disabled = true;
  status(`running ${name}${strategy === 'native' ? '' : ` under ${strategy}`}`);
}

function setUpRun(): void {
  const guest = $<HTMLSelectElement>('guest');
  for (const name of Object.keys(GUESTS).sort((a, b) => (a === 'minios.elf' ? -1 : b === 'minios.elf' ? 1 : a.localeCompare(b)))) {
    guest.add(new Option(name.replace(/\.elf$/, ''), name));
  }
  const strategy = $<HTMLSelectElement>('strategy');
  for (const s of STRATEGIES) strategy.add(new Option(s, s));
  // Only minios boots under a VMM (it has a kernel_entry) and takes boot arguments.
  const sync = () => {
    const minios = guest.value.startsWith('minios');
    $('bootargs-label').hidden = !minios;
    strategy.disabled = !minios;
    if (!minios) strategy.value = 'native';
  };
  guest.addEventListener('change', sync);
  sync();
  $('boot-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    bootImage(guest.value, await (await fetch(GUESTS[guest.value])).arrayBuffer());
  });
  $('stop').addEventListener('click', () => stop('stopped'));
  const drop = $('drop');
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', async (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    const file = e.dataTransfer?.files[0];
    if (!file) return;
    $<HTMLSelectElement>('strategy').value = 'native';
    bootImage(file.name, await file.arrayBuffer());
  });
}

function renderTable(rows: Row[]): void {
  const columns = textColumns(false);
  const table = $<HTMLTableElement>('compare-table');
  const head = table.createTHead();
  head.replaceChildren();
  const hr = head.insertRow();
  for (const c of columns) hr.appendChild(document.createElement('th')).textContent = c.header;
  const body = table.tBodies[0] ?? table.createTBody();
  body.replaceChildren(...rows.map((r) => {
    const tr = document.createElement('tr');
    tr.dataset.strategy = r.strategy;
    tr.dataset.workload = r.workload;
    for (const c of columns) {
      const td = tr.appendChild(document.createElement('td'));
      td.textContent = c.text(r);
      if (c.align === 'right') td.className = 'right';
    }
    return tr;
  }));
  $('compare-legend').textContent = LEGEND.join(' ');
}

async function renderChart(rows: Row[]): Promise<void> {
  const [{ View, parse }, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new View(parse(compile(chartSpec(rows)).spec), { renderer: 'svg', container: $('chart'), hover: true });
  await view.runAsync();
}

function setUpCompare(): void {
  const box = $('workloads');
  for (const w of WORKLOADS) {
    const label = box.appendChild(document.createElement('label'));
    label.innerHTML = `<input type="checkbox" name="workload" value="${w.name}" checked> ${w.name} <input type="number" min="1" name="count-${w.name}" value="${w.count}">`;
    label.title = w.about;
  }
  let compareWorker: Worker | undefined;
  $('compare-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const chosen = WORKLOADS.filter((w) => box.querySelector<HTMLInputElement>(`input[value="${w.name}"]`)!.checked)
      .map((w) => ({ name: w.name, count: Number(box.querySelector<HTMLInputElement>(`input[name="count-${w.name}"]`)!.value) }));
    if (!chosen.length) { $('compare-status').textContent = 'choose a workload'; return; }
    compareWorker?.terminate();
    const refOf = async (name: string) => {
      const uri = new URL(GUESTS[name], location.href).href;
      return imageRef(uri, new Uint8Array(await (await fetch(uri)).arrayBuffer()));
    };
    const image = await refOf('minios.elf');
    const imageOf = { pv: await refOf('minios-pv.elf') }; // pv boots the ported kernel, as vmlab compare does
    compareWorker = newWorker();
    $<HTMLButtonElement>('compare-run').disabled = true;
    compareWorker.onmessage = async (ev: MessageEvent<FromWorker>) => {
      const m = ev.data;
      if (m.type === 'progress') {
        const bar = $<HTMLProgressElement>('compare-progress');
        bar.max = m.total;
        bar.value = m.finished;
        $('compare-status').textContent = m.finished === m.total ? 'done' : `${m.finished}/${m.total}: ${m.label}`;
      } else if (m.type === 'rows') {
        renderTable(m.rows);
        await renderChart(m.rows);
        $<HTMLButtonElement>('compare-run').disabled = false;
        $('compare-status').textContent = `done: ${m.rows.length} runs`;
        compareWorker?.terminate();
      } else if (m.type === 'error') {
        $('compare-status').textContent = `error: ${m.message}`;
        $<HTMLButtonElement>('compare-run').disabled = false;
      }
    };
    compareWorker.postMessage({ type: 'compare', image, imageOf, workloads: chosen, strategies: STRATEGIES.filter((s) => s !== 'native') } satisfies ToWorker);
  });
}

/** What the end-to-end test reads: the terminal's whole buffer as text. */
declare global { interface Window { vmlabDemo: { terminalText(): string } } }
window.vmlabDemo = {
  terminalText: () => {
    const b = term.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < b.length; i++) lines.push(b.getLine(i)?.translateToString(true) ?? '');
    return lines.join('\n');
  },
};

setUpRun();
setUpCompare();
status('ready');
