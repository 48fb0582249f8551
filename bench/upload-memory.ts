// Peak memory of the browser bridge taking a large upload (bench/README.md, "Uploads"): a bridge
// over a fresh workstation in a process of its own, sent one file as the browser's client sends
// it (the raw bytes as the body of POST /upload), read from disk as it goes. The bridge's
// process (engine worker included) prints its peak RSS once the reply has come.
//
//   node --import tsx bench/upload-memory.ts FILE...

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

import { startLoopbackBridge } from '../main/bridge/loopback-bridge';
import { startWorkstation } from '../main/engine/api/workstation';

const SCRIPT = fileURLToPath(import.meta.url);

/** The bridge's side: serves until told to report, then prints its peak RSS and stops. */
async function serve(dataDir: string): Promise<void> {
  const rendererDir = path.join(dataDir, 'renderer');
  fs.mkdirSync(rendererDir, { recursive: true });
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><html><head></head><body></body></html>');
  const clientScript = path.join(dataDir, 'client.js');
  fs.writeFileSync(clientScript, '');
  const workstation = startWorkstation({
    dbPath: path.join(dataDir, 'recon.db'),
    inboxFolder: path.join(dataDir, 'inbox'),
    reportsFolder: path.join(dataDir, 'reports'),
    receivedFolder: path.join(dataDir, 'received'),
    watchInbox: false,
    reportsAtCutoff: false,
  });
  const bridge = await startLoopbackBridge(workstation, { rendererDir, clientScript });
  process.stdout.write(`${JSON.stringify({ launchUrl: bridge.launchUrl, idleRssMb: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`);
  for await (const line of readline.createInterface({ input: process.stdin })) {
    if (line !== 'report') continue;
    process.stdout.write(`${JSON.stringify({ peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`);
    await bridge.close();
    await workstation.close();
    return;
  }
}

function uploadFile(launchUrl: string, cookie: string, file: string): Promise<{ status: number; body: string }> {
  const url = new URL(launchUrl);
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: `/upload?name=${encodeURIComponent(path.basename(file))}`,
        method: 'POST',
        headers: { cookie, 'x-recon-bridge': '1', 'content-type': 'application/octet-stream', 'content-length': fs.statSync(file).size },
      },
      (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    request.on('error', reject);
    fs.createReadStream(file).pipe(request);
  });
}

async function measure(file: string): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'recon-upload-bench-'));
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, '--serve', dataDir], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  try {
    const started = JSON.parse((await lines.next()).value as string) as { launchUrl: string; idleRssMb: number };
    const launch = await fetch(started.launchUrl, { redirect: 'manual' });
    const cookie = (launch.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const began = performance.now();
    const answer = await uploadFile(started.launchUrl, cookie, file);
    const seconds = (performance.now() - began) / 1000;
    child.stdin.write('report\n');
    const { peakRssMb } = JSON.parse((await lines.next()).value as string) as { peakRssMb: number };
    const outcome = (JSON.parse(answer.body) as { value?: { status: string; rowsStored?: number }[] }).value?.[0];
    const megabytes = (fs.statSync(file).size / 1e6).toFixed(0);
    process.stdout.write(
      `| ${path.basename(file)} | ${megabytes} | ${answer.status} ${outcome?.status ?? answer.body.slice(0, 80)} | ${outcome?.rowsStored ?? ''} | ${seconds.toFixed(1)} | ${started.idleRssMb} | ${peakRssMb} |\n`,
    );
  } finally {
    child.stdin.end();
    await new Promise((resolve) => child.once('exit', resolve));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Runs the benchmark; returns the exit code. */
export async function main(args: readonly string[]): Promise<number> {
  if (args[0] === '--serve') {
    await serve(args[1] ?? '');
    return 0;
  }
  if (args.length === 0) {
    process.stderr.write('name the files to upload (bench/native-memory.ts writes large ones)\n');
    return 2;
  }
  process.stdout.write('| file | MB | reply | rows stored | seconds | bridge RSS idle MB | bridge peak RSS MB |\n|---|---:|---|---:|---:|---:|---:|\n');
  for (const file of args) await measure(file);
  return 0;
}

if (process.argv[1] === SCRIPT) process.exitCode = await main(process.argv.slice(2));
