// The window's frames over a big queue (bench/README.md, "The window over a big queue"): a store
// holding --items open NO_LEDGER items (57,000 by default, the queue three withheld Zelle files
// left), served by the loopback bridge to Debian's Chromium, where the associate's moves are
// played: open the queue, scroll it to the end and back, filter it by network and amount, sort
// it by amount, open items with the keyboard. The renderer measures itself: every long task
// (the browser's own report of a task over 50 ms, which is a frame missed) and the longest gap
// between two animation frames, per move. Not a test: the figures depend on the machine.
//
//   node --import tsx bench/queue-frames.ts [--items 57000] [--chromium /usr/bin/chromium]

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium, type Page } from '@playwright/test';
import { createServices } from '../main/engine/services';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Bump when the store written for a size changes, so that old caches are not reused. */
const STORE_VERSION = 1;
/** A business date closed long before any run of the bench: records of it can be matched. */
const DATE = '2026-11-30';
const TARGET_MS = 50;

type Move = { move: string; longTasks: number; longestTaskMs: number; longestFrameGapMs: number; seconds: number };

/** A Visa CSV of `count` presentments no Zelle payment will ever meet: each one an open NO_LEDGER item. */
function writeVisaFeed(file: string, count: number): void {
  const lines = ['record_id,arn,network_txn_id,pan,auth_code,txn_type,amount,currency,txn_date,settlement_date,mcc,descriptor'];
  for (let index = 1; index <= count; index++) {
    const cents = 100 + ((index * 7_919) % 250_000);
    const amount = `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
    const arn = `7400000${String(index).padStart(16, '0')}`;
    lines.push(`V-${index},${arn},${String(300_000_000_000_000 + index)},4111111111111111,A${index % 1000},PRESENTMENT,${amount},USD,${DATE},${DATE},4829,ZELLE TRANSFER`);
  }
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
}

async function buildStore(dataDir: string, items: number): Promise<void> {
  const marker = path.join(dataDir, 'built.json');
  if (fs.existsSync(marker)) return;
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.mkdirSync(dataDir, { recursive: true });
  const feed = path.join(dataDir, 'visa-big.csv');
  writeVisaFeed(feed, items);
  const services = createServices({ dbPath: path.join(dataDir, 'recon.db'), actor: 'bench' });
  try {
    const [outcome] = await services.ingest([feed]);
    if (outcome?.status !== 'ingested') throw new Error(`the bench feed was not ingested: ${JSON.stringify(outcome)}`);
    await services.match(DATE);
  } finally {
    await services.close();
  }
  fs.rmSync(feed);
  fs.writeFileSync(marker, JSON.stringify({ items, version: STORE_VERSION }));
}

async function startBridge(dataDir: string): Promise<{ launchUrl: string; stop(): void }> {
  const server = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'main/bridge/serve.ts'), '--json', '--no-inbox'], {
    cwd: root,
    env: { ...process.env, RECON_DATA_DIR: dataDir, RECON_DB: '', RECON_REPORTS: '', RECON_INBOX: '', RECON_ACTOR: 'bench', RECON_TEST_IDENTITY: '1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const first = await new Promise<string>((resolve, reject) => {
    readline.createInterface({ input: server.stdout }).once('line', resolve);
    server.once('exit', (code) => reject(new Error(`the bridge stopped (exit ${code}) before it served`)));
  });
  return { launchUrl: (JSON.parse(first) as { launchUrl: string }).launchUrl, stop: () => server.kill('SIGTERM') };
}

// Runs in the page before its own scripts: the renderer's measurement of itself, per move (as
// source text: the bench is compiled without the DOM's types). A frame requested before the
// document exists is never drawn, so the frame loop starts with the document.
const FRAME_METER = `(() => {
  const meter = { move: 'load', longTasks: {}, gaps: {} };
  window.__frameMeter = meter;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) (meter.longTasks[meter.move] ??= []).push(entry.duration);
  }).observe({ type: 'longtask', buffered: true });
  let last = 0;
  const tick = (now) => {
    if (last > 0) meter.gaps[meter.move] = Math.max(meter.gaps[meter.move] ?? 0, now - last);
    last = now;
    requestAnimationFrame(tick);
  };
  const start = () => requestAnimationFrame(tick);
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();`;

type PageMeter = { move: string; longTasks: Record<string, number[]>; gaps: Record<string, number> };

async function measure(page: Page, move: string, play: () => Promise<void>): Promise<Move> {
  await page.evaluate(`window.__frameMeter.move = ${JSON.stringify(move)}`);
  const started = performance.now();
  await play();
  // Let the frames after the move be drawn and counted.
  await page.waitForTimeout(300);
  const seconds = (performance.now() - started) / 1000;
  const meter = (await page.evaluate("(() => { window.__frameMeter.move = 'idle'; return window.__frameMeter; })()")) as PageMeter;
  const tasks = meter.longTasks[move] ?? [];
  const gap = meter.gaps[move] ?? 0;
  return { move, longTasks: tasks.length, longestTaskMs: Math.round(Math.max(0, ...tasks)), longestFrameGapMs: Math.round(gap), seconds: Math.round(seconds * 10) / 10 };
}

export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { items: { type: 'string', default: '57000' }, chromium: { type: 'string' } } });
  const items = Number(values.items);
  const executablePath = values.chromium ?? process.env.RECON_CHROMIUM ?? '/usr/bin/chromium';
  if (!fs.existsSync(path.join(root, 'out', 'renderer', 'index.html'))) {
    console.log('Building the window first (electron-vite build)…');
    const built = spawnSync(path.join(root, 'node_modules', '.bin', 'electron-vite'), ['build'], { cwd: root, stdio: 'inherit' });
    if (built.status !== 0) return 2;
  }
  const dataDir = path.join(root, 'bench', 'cache', `queue-frames-${items}-v${STORE_VERSION}`);
  console.log(`Store of ${items.toLocaleString('en-US')} open items (cached in ${path.relative(root, dataDir)})…`);
  await buildStore(dataDir, items);

  const bridge = await startBridge(dataDir);
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  const moves: Move[] = [];
  try {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 720 } })).newPage();
    await page.addInitScript({ content: FRAME_METER });
    await page.goto(bridge.launchUrl);
    await page.getByRole('navigation', { name: 'Sections' }).waitFor();
    const queue = page.getByTestId('queue-scroll');
    const summary = page.getByTestId('queue-summary');
    moves.push(
      await measure(page, 'open the queue', async () => {
        await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Queue', exact: true }).click();
        await summary.filter({ hasText: 'items' }).waitFor();
      }),
    );
    moves.push(
      await measure(page, 'wheel 160,000 px down and back', async () => {
        await queue.hover();
        for (let step = 0; step < 40; step++) await page.mouse.wheel(0, 4_000);
        for (let step = 0; step < 40; step++) await page.mouse.wheel(0, -4_000);
      }),
    );
    moves.push(
      // The thumb dragged to the bottom again and again, as an associate holding End does: the
      // list reads a page by key each time it nears its end, all the way to the 57,000th item.
      await measure(page, 'drag to the last item (every page) and back', async () => {
        const last = page.locator(`[data-testid="queue-row"][data-item-id="${items}"]`);
        const deadline = Date.now() + 240_000;
        while (!(await last.isVisible()) && Date.now() < deadline) {
          await queue.evaluate((element) => element.scrollTo({ top: element.scrollHeight }));
          await page.waitForTimeout(20);
        }
        if (!(await last.isVisible())) throw new Error(`item ${items} was not reached in 4 minutes`);
        await queue.evaluate((element) => element.scrollTo({ top: 0 }));
      }),
    );
    moves.push(
      await measure(page, 'move through items (j x 30, Enter)', async () => {
        await page.getByTestId('queue-row').first().focus();
        for (let step = 0; step < 30; step++) await page.keyboard.press('j');
        await page.keyboard.press('Enter');
        await page.keyboard.press('Escape');
      }),
    );
    moves.push(
      await measure(page, 'filter by network and amount', async () => {
        await page.getByRole('combobox', { name: /^Network/ }).selectOption('VISA');
        const from = page.getByRole('textbox', { name: /Amount from/i });
        if (await from.count()) await from.fill('500');
        await page.keyboard.press('Enter');
        await summary.filter({ hasText: 'items' }).waitFor();
      }),
    );
    moves.push(
      await measure(page, 'search the queue (an id suffix)', async () => {
        const search = page.getByRole('textbox', { name: /^Search/ }).first();
        if (await search.count()) {
          await search.fill(String(items - 7));
          await page.keyboard.press('Enter');
          await summary.filter({ hasText: 'item' }).waitFor();
          await search.fill('');
          await page.keyboard.press('Enter');
        }
      }),
    );
    moves.push(
      await measure(page, 'search everywhere (Ctrl+K)', async () => {
        await page.keyboard.press('Control+k');
        await page.keyboard.type('v-5699');
        await page.getByRole('dialog').getByRole('option').first().waitFor({ timeout: 10_000 }).catch(() => undefined);
        await page.keyboard.press('Escape');
      }),
    );
    moves.push(
      await measure(page, 'sort largest first', async () => {
        const sort = page.getByRole('combobox', { name: /^Sort/ });
        if (await sort.count()) await sort.selectOption('largest');
        await summary.filter({ hasText: 'items' }).waitFor();
      }),
    );
  } finally {
    await browser.close();
    bridge.stop();
  }

  console.log(`\nThe window over ${items.toLocaleString('en-US')} open items, 1280x720 (long task = over ${TARGET_MS} ms, a missed frame)`);
  console.log(`${'move'.padEnd(46)} ${'long tasks'.padStart(10)} ${'longest task'.padStart(13)} ${'longest frame gap'.padStart(18)} ${'seconds'.padStart(8)}`);
  for (const move of moves) {
    console.log(
      `${move.move.padEnd(46)} ${String(move.longTasks).padStart(10)} ${`${move.longestTaskMs} ms`.padStart(13)} ${`${move.longestFrameGapMs} ms`.padStart(18)} ${String(move.seconds).padStart(8)}`,
    );
  }
  const worst = Math.max(...moves.map((move) => move.longestTaskMs));
  const met = moves.every((move) => move.longTasks === 0);
  console.log(`target: no frame over ${TARGET_MS} ms in any move: ${met ? 'met' : `missed (longest task ${worst} ms)`}`);
  return 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
