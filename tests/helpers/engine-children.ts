import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import type { ChildAnswer, ChildRequest } from './engine-child';

/** A separate node process (engine-child.ts) that writes a database on request, one request at a time. */
export type EngineChild = { ready: Promise<void>; send(request: ChildRequest): Promise<ChildAnswer>; stop(): void };

/** Starts an engine child; stop it when the test ends. */
export function startEngineChild(): EngineChild {
  const child = spawn(process.execPath, ['--import', 'tsx', path.resolve('tests/helpers/engine-child.ts')], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const waiting: ((answer: ChildAnswer) => void)[] = [];
  let isReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (isReady = resolve));
  readline.createInterface({ input: child.stdout }).on('line', (line) => {
    const message = JSON.parse(line) as ChildAnswer | { ready: true };
    if ('ready' in message) isReady();
    else waiting.shift()?.(message);
  });
  return {
    ready,
    send(request) {
      const answer = new Promise<ChildAnswer>((resolve) => waiting.push(resolve));
      child.stdin.write(`${JSON.stringify(request)}\n`);
      return answer;
    },
    stop: () => child.stdin.end(),
  };
}
