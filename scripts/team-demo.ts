// `npm run team:demo`: two associates working one queue on one shared PostgreSQL store, on this
// machine. It starts a throwaway PostgreSQL server (the one the tests use: a real server, made by
// initdb in a temporary folder), sets it up as a bank's administrator would (`recon team init`,
// then one login per associate), ingests and matches five days of demo files as the first
// associate, and opens two workstations in the browser, one per associate, each over its own
// loopback bridge with its own login. What one associate does reaches the other's window within
// seconds. Ctrl+C stops both workstations and removes the server with its data.
//
//   npm run team:demo                  alice and bob, their windows opened in the browser
//   npm run team:demo -- --no-browser  print the two one-time addresses only

import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { openInBrowser } from '../main/bridge/open-in-browser';
import { main as recon } from '../main/cli/index';
import { startPostgresServer, type PostgresServer } from '../tests/helpers/postgres-server';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** A team store on a throwaway server, with a login per associate. */
export type TeamDemoStore = {
  server: PostgresServer;
  /** Each associate's connection URL (their own login and password, over TCP). */
  urlOf(associate: string): string;
  /** The administrator's URL (the server's superuser). */
  adminUrl: string;
  stop(): void;
};

/** Runs one `recon` command in this process; throws with what it printed when it fails. */
async function runRecon(args: string[], log: (line: string) => void = () => {}): Promise<void> {
  const lines: string[] = [];
  const code = await recon(args, { out: (line) => (lines.push(line), log(line)), err: (line) => (lines.push(line), log(line)) }, { env: {} });
  if (code !== 0) throw new Error(`recon ${args.slice(0, 2).join(' ')} failed (exit ${code}):\n${lines.join('\n')}`);
}

/**
 * Starts a server, creates the team store as `recon team init` does and a login per associate,
 * each with a password of its own. The caller stops it.
 */
export async function createTeamDemoStore(associates: readonly string[], log: (line: string) => void = () => {}): Promise<TeamDemoStore> {
  const server = await startPostgresServer();
  try {
    server.psql('CREATE DATABASE recon_team');
    const adminUrl = server.urlFor({ database: 'recon_team' });
    await runRecon(['team', 'init', '--database-url', adminUrl], log);
    const passwords = new Map<string, string>();
    for (const associate of associates) {
      if (!/^[a-z][a-z0-9_]*$/.test(associate)) throw new Error(`"${associate}" is not a login name (lower-case letters, digits, _)`);
      const password = randomBytes(12).toString('base64url');
      passwords.set(associate, password);
      server.psql(`CREATE ROLE ${associate} LOGIN PASSWORD '${password}' IN ROLE recon_associate`);
    }
    return {
      server,
      adminUrl,
      urlOf(associate) {
        const password = passwords.get(associate);
        if (password === undefined) throw new Error(`no login ${associate} in this demo`);
        return `${server.urlFor({ database: 'recon_team', user: associate, password })}?sslmode=disable`;
      },
      stop: () => server.stop(),
    };
  } catch (error) {
    server.stop();
    throw error;
  }
}

/**
 * A Visa presentment of 150.00 and the Zelle payment of 100.00 it funded (same card and auth
 * code) on `date`, as two CSV files in `folder`: the run leaves both AMOUNT_DIFF, and pairing
 * them by hand (50.00 apart, above the default write-off limit) waits for a second associate.
 */
export function writeAmountDifferencePair(folder: string, date: string, ids = { record: 'VTEAM0001', payment: 'ZPTEAM0001' }): string[] {
  const visa = path.join(folder, `visa_${date}_pair.csv`);
  const zelle = path.join(folder, `zelle_${date}_pair.csv`);
  fs.writeFileSync(
    visa,
    'record_id,arn,network_txn_id,pan,auth_code,txn_type,amount,currency,txn_date,settlement_date,mcc,descriptor\n' +
      `${ids.record},,,4000001234561111,TEAM01,PRESENTMENT,150.00,USD,${date},${date},4829,ZELLE TRANSFER\n`,
  );
  fs.writeFileSync(
    zelle,
    'payment_id,initiated_at,amount,currency,status,funding_network,card_last4,auth_code,network_txn_id,arn,sender_token,recipient_token\n' +
      `${ids.payment},${date}T10:00:00-05:00,100.00,USD,COMPLETED,VISA,1111,TEAM01,,,a@example.com,b@example.com\n`,
  );
  return [visa, zelle];
}

/** One associate's workstation in the browser: the loopback bridge over the team store, with its launch address. */
export type DemoWorkstation = { associate: string; launchUrl: string; process: ChildProcess; dataDir: string };

/**
 * Starts the browser workstation (main/bridge/serve.ts) of one associate over the team store, in
 * a data folder of its own (its inbox and reports); `isFirst` keeps the inbox and the cut-off.
 */
export async function startDemoWorkstation(associate: string, databaseUrl: string, options: { isFirst: boolean; extraArgs?: string[] }): Promise<DemoWorkstation> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `recon-team-${associate}-`));
  const args = ['--import', 'tsx', path.join(root, 'main/bridge/serve.ts'), '--json', ...(options.isFirst ? [] : ['--no-inbox']), ...(options.extraArgs ?? [])];
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, RECON_DATA_DIR: dataDir, RECON_DB: '', RECON_INBOX: '', RECON_REPORTS: '', RECON_DATABASE_URL: databaseUrl, RECON_ACTOR: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderr: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const lines = readline.createInterface({ input: child.stdout! });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`${associate}'s workstation stopped (exit ${code}) before it served: ${stderr.join('')}`)));
  });
  return { associate, launchUrl: (JSON.parse(first) as { launchUrl: string }).launchUrl, process: child, dataDir };
}

async function demo(): Promise<void> {
  const isBrowserOpened = !process.argv.includes('--no-browser');
  console.log('Starting a PostgreSQL server for the demo (a throwaway cluster, removed at the end)…');
  const store = await createTeamDemoStore(['alice', 'bob'], (line) => console.log(`  ${line}`));
  const workstations: DemoWorkstation[] = [];
  const launchFolders: string[] = [];
  let isStopping = false;
  const stop = (code: number): void => {
    if (isStopping) return;
    isStopping = true;
    for (const workstation of workstations) workstation.process.kill('SIGTERM');
    // The bridges close their connections first; the server goes after them.
    setTimeout(() => {
      store.stop();
      for (const folder of [...workstations.map((workstation) => workstation.dataDir), ...launchFolders]) fs.rmSync(folder, { recursive: true, force: true });
      process.exit(code);
    }, 1_000);
  };
  process.on('SIGINT', () => stop(0));
  process.on('SIGTERM', () => stop(0));
  try {
    const feeds = fs.mkdtempSync(path.join(os.tmpdir(), 'recon-team-feeds-'));
    await runRecon(['demo', '--out', feeds, '--days', '5', '--format', 'native']);
    const files = fs
      .readdirSync(feeds)
      .filter((entry) => /^\d{4}-\d{2}-\d{2}$/.test(entry))
      .flatMap((day) => fs.readdirSync(path.join(feeds, day)).map((name) => path.join(feeds, day, name)));
    console.log(`Ingesting and matching five days of demo files as alice (${files.length} files)…`);
    await runRecon(['ingest', ...files, '--database-url', store.urlOf('alice')]);
    await runRecon(['match', '--database-url', store.urlOf('alice')]);
    fs.rmSync(feeds, { recursive: true, force: true });
    workstations.push(await startDemoWorkstation('alice', store.urlOf('alice'), { isFirst: true }));
    workstations.push(await startDemoWorkstation('bob', store.urlOf('bob'), { isFirst: false }));
  } catch (error) {
    console.error(`The team demo could not start: ${(error as Error).message}`);
    stop(1);
    return;
  }
  console.log('');
  console.log(`Two associates work one queue on the team database recon_team, PostgreSQL at 127.0.0.1:${store.server.port}:`);
  for (const workstation of workstations) {
    console.log(`  ${workstation.associate.padEnd(6)} ${workstation.launchUrl}`);
    workstation.process.on('exit', (code) => {
      if (!isStopping) {
        console.error(`${workstation.associate}'s workstation stopped (exit ${code}); ending the demo.`);
        stop(1);
      }
    });
  }
  console.log('  (one-time addresses: open each in its own browser window or profile; a private window works)');
  console.log('Try: alice sends an item to global finance above the approval limit; bob approves it in Approvals.');
  console.log('Ctrl+C ends the demo and removes its server and data.');
  // The openers' pages forward to the one-time addresses; removed with the demo.
  if (isBrowserOpened) for (const workstation of workstations) launchFolders.push(openInBrowser(workstation.launchUrl));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) void demo();
