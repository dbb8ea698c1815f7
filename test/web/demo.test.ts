// The demo page in a real browser: the static build served locally, Debian's Chromium driven
// headless by playwright-core. minios boots and prints its lines, a long guest runs while the page
// stays responsive and stops on demand, and the comparison renders every strategy, table and chart.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import type { PreviewServer } from 'vite';
import { STRATEGIES } from '../../src/vmm/strategy.js';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = join(import.meta.dirname, '..', '..');
const OUTPUT = join(ROOT, 'test-output');
const present = existsSync(CHROMIUM);
if (!present) console.warn(`test/web: skipped: ${CHROMIUM} is absent (apt-get install chromium)`);

describe.skipIf(!present)('the demo page in Chromium', { timeout: 240_000 }, () => {
  let server: PreviewServer;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    const { build, preview } = await import('vite');
    const configFile = join(ROOT, 'web', 'vite.config.ts');
    await build({ configFile, logLevel: 'warn' });
    server = await preview({ configFile, preview: { host: '127.0.0.1', port: 0, strictPort: false } });
    const { chromium } = await import('playwright-core');
    context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'vmlab-chromium-')), {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1280, height: 1400 },
    });
    page = context.pages()[0] ?? await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(server.resolvedUrls!.local[0]);
  }, 300_000);

  afterAll(async () => {
    await context?.close();
    await new Promise<void>((done) => (server ? server.httpServer.close(() => done()) : done()));
  });

  const status = () => page.locator('#status');
  const statValue = (label: string) => page.evaluate((l) =>
    [...document.querySelectorAll('#stats tr')].find((tr) => tr.firstElementChild?.textContent === l)?.lastElementChild?.textContent ?? '', label);

  it('loads, and minios boots natively with its boot arguments and prints its lines', async () => {
    await expect.poll(() => status().textContent(), { timeout: 30_000 }).toBe('ready');
    expect(await page.locator('#guest option').allTextContents()).toEqual(expect.arrayContaining(['minios', 'isa-alu', 'vm-sv39']));
    await page.fill('#bootargs', 'getppid=100 compute=1000');
    await page.click('#boot');
    await expect.poll(() => status().textContent(), { timeout: 60_000 }).toBe('minios.elf: halted with exit code 0');
    const text = await page.evaluate(() => (window as unknown as { vmlabDemo: { terminalText(): string } }).vmlabDemo.terminalText());
    expect(text).toContain('minios: booting');
    expect(text).toContain('getppid n=100 checksum=100');
    expect(text).toContain('compute n=1000 checksum=499500');
    expect(text).toContain('minios: halt');
    expect(Number((await statValue('instructions')).replace(/,/g, ''))).toBeGreaterThan(100_000);
  });

  it('a self-checking guest runs and passes', async () => {
    await page.selectOption('#guest', 'isa-alu.elf');
    await page.click('#boot');
    await expect.poll(() => status().textContent(), { timeout: 60_000 }).toBe('isa-alu.elf: halted with exit code 0');
    expect(await page.evaluate(() => (window as unknown as { vmlabDemo: { terminalText(): string } }).vmlabDemo.terminalText())).toContain('isa-alu: ok');
  });

  it('a long guest under a VMM: counters move while it runs (the page answers), Stop ends it', async () => {
    await page.selectOption('#guest', 'minios.elf');
    await page.selectOption('#strategy', 'hw-nested');
    await page.fill('#bootargs', 'compute=2000000000'); // minutes of guest time: it is stopped long before
    await page.click('#boot');
    const seen = new Set<string>();
    // Each poll is a round trip through the page's main thread while the worker runs the guest.
    await expect.poll(async () => {
      const v = await statValue('guest instructions');
      if (v && (await status().textContent())?.startsWith('running')) seen.add(v);
      return seen.size;
    }, { timeout: 120_000 }).toBeGreaterThanOrEqual(3);
    await page.click('#stop');
    expect(await status().textContent()).toBe('stopped');
    expect(await page.evaluate(() => (window as unknown as { vmlabDemo: { terminalText(): string } }).vmlabDemo.terminalText())).toContain('minios: tick=100000, running compute=2000000000');
  });

  it('the comparison renders a row and a bar for every strategy', async () => {
    for (const box of await page.locator('#workloads input[type="checkbox"]').all()) { // getppid alone
      if ((await box.getAttribute('value')) !== 'getppid') await box.uncheck();
    }
    await page.fill('#workloads input[name="count-getppid"]', '300');
    await page.click('#compare-run');
    await expect.poll(() => page.locator('#compare-status').textContent(), { timeout: 240_000 }).toBe(`done: ${STRATEGIES.length} runs`);
    const rows = await page.locator('#compare-table tbody tr').evaluateAll((trs) => trs.map((tr) => [
      (tr as HTMLElement).dataset.strategy, [...tr.children].map((td) => td.textContent)]));
    expect(rows.map(([s]) => s)).toEqual(STRATEGIES);
    expect(rows[0][1]).toEqual(expect.arrayContaining(['getppid', 'native', '100%']));
    await page.waitForSelector('#chart svg');
    const bars = await page.locator('#chart svg [aria-roledescription="bar"]').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
    expect(bars.map((b) => b?.replace(/: .*/, ''))).toEqual(STRATEGIES.map((s) => `getppid under ${s}`));
    mkdirSync(OUTPUT, { recursive: true });
    await page.screenshot({ path: join(OUTPUT, 'web-demo.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  });
});
