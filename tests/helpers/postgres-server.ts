// A throwaway PostgreSQL server for the team-mode tests: a cluster made by initdb in a temporary
// folder, started on a free port with its unix socket in that folder, stopped and removed after.
// A real server, not an imitation: CI installs Debian's `postgresql` package (.ci/run). When the
// binaries are missing the tests fail with what to install; they are never skipped.

import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** A running server: the superuser's URL over the socket, and how to stop it. */
export type PostgresServer = {
  /** The superuser's connection URL (the server's OS account, no password, over the socket). */
  readonly url: string;
  /** The URL for another database or role: over TCP when a password is given, else the socket. */
  urlFor(options: { database?: string; user?: string; password?: string }): string;
  readonly port: number;
  readonly socketDir: string;
  /** The role initdb made the superuser. */
  readonly superuser: string;
  /** Runs one statement as the superuser through psql (set-up the tests need before any client). */
  psql(sql: string, database?: string): string;
  /** Shuts the server down as an administrator would (clients told 57P01), keeping its data for `resume`. */
  halt(): void;
  /** Starts a halted server again, on the same port and data. */
  resume(): void;
  /**
   * Stops the server's processes where they stand (SIGSTOP): sockets stay open and nothing
   * answers, as a hung host or a network gone quiet looks to a client.
   */
  freeze(): void;
  /** Lets a frozen server carry on (SIGCONT). */
  thaw(): void;
  stop(): void;
};

/** The OS account the server runs as when the tests run as root: Debian's package creates it. */
const SERVER_ACCOUNT = 'postgres';

const INSTALL_HINT =
  "Install PostgreSQL's server (Debian/Ubuntu: apt-get install postgresql; macOS: brew install postgresql) " +
  'or put the folder holding initdb, pg_ctl and postgres on PATH.';

function isServerBinDir(dir: string): boolean {
  return ['initdb', 'pg_ctl', 'postgres'].every((name) => fs.existsSync(path.join(dir, name)));
}

/**
 * The folder of the server's binaries: PATH first, then pg_config --bindir, then Debian's
 * versioned folders (its package does not put initdb on PATH), newest version first.
 */
export function findPostgresBinDir(env: NodeJS.ProcessEnv = process.env): string {
  const candidates: string[] = [];
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (dir && fs.existsSync(path.join(dir, 'initdb'))) candidates.push(path.dirname(fs.realpathSync(path.join(dir, 'initdb'))), dir);
  }
  const pgConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  if (pgConfig.status === 0) candidates.push(pgConfig.stdout.trim());
  const debianRoot = '/usr/lib/postgresql';
  if (fs.existsSync(debianRoot)) {
    const versions = fs.readdirSync(debianRoot).filter((name) => /^\d+$/.test(name)).sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((version) => path.join(debianRoot, version, 'bin')));
  }
  const found = candidates.find(isServerBinDir);
  if (!found) throw new Error(`The team-mode tests need a PostgreSQL server and found none (looked on PATH, in pg_config --bindir and in ${debianRoot}/*/bin). ${INSTALL_HINT}`);
  return found;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** The account the server runs as: this process's, or SERVER_ACCOUNT's when this is root (initdb refuses root). */
function serverAccount(): { name: string; uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const entry = spawnSync('getent', ['passwd', SERVER_ACCOUNT], { encoding: 'utf8' });
  const fields = entry.status === 0 ? entry.stdout.trim().split(':') : [];
  if (fields.length < 4) {
    throw new Error(
      `The tests run as root, which PostgreSQL refuses, and there is no "${SERVER_ACCOUNT}" account to run the server as. ${INSTALL_HINT} (the package creates the account), or run the tests as an ordinary user.`,
    );
  }
  return { name: SERVER_ACCOUNT, uid: Number(fields[2]), gid: Number(fields[3]) };
}

/** Starts a fresh cluster; the caller stops it (afterAll). Takes a few seconds (initdb). */
export async function startPostgresServer(): Promise<PostgresServer> {
  const binDir = findPostgresBinDir();
  const account = serverAccount();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'recon-pg-'));
  const dataDir = path.join(root, 'data');
  if (account) fs.chownSync(root, account.uid, account.gid);
  const run = (binary: string, args: string[]): string => {
    const command = path.join(binDir, binary);
    try {
      return account
        ? execFileSync('runuser', ['-u', account.name, '--', command, ...args], { encoding: 'utf8', stdio: 'pipe' })
        : execFileSync(command, args, { encoding: 'utf8', stdio: 'pipe' });
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr ?? '';
      throw new Error(`${binary} ${args.join(' ')} failed: ${stderr || String(error)}`);
    }
  };
  const superuser = account?.name ?? os.userInfo().username;
  run('initdb', ['-D', dataDir, '-U', superuser, '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const port = await freePort();
  // The socket sits beside the data, so nothing outside the temporary folder is used; fsync off:
  // a test cluster is thrown away, and the machine's disk is shared.
  const serverOptions = `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c synchronous_commit=off`;
  run('pg_ctl', ['-D', dataDir, '-o', serverOptions, '-l', path.join(root, 'server.log'), '-w', '-t', '60', 'start']);
  let isStopped = false;
  let frozen: number[] = [];
  const thaw = (): void => {
    for (const pid of frozen.splice(0)) process.kill(pid, 'SIGCONT');
  };
  const psqlPath = path.join(binDir, 'psql');
  const urlFor = ({ database = 'postgres', user = superuser, password }: { database?: string; user?: string; password?: string }): string =>
    password === undefined
      ? `postgresql://${encodeURIComponent(user)}@localhost:${port}/${database}?host=${encodeURIComponent(root)}`
      : `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  return {
    url: urlFor({}),
    urlFor,
    port,
    socketDir: root,
    superuser,
    psql(sql: string, database = 'postgres'): string {
      return execFileSync(psqlPath, ['-X', '-q', '-t', '-A', '-v', 'ON_ERROR_STOP=1', '-h', root, '-p', String(port), '-U', superuser, '-d', database, '-c', sql], {
        encoding: 'utf8',
        stdio: 'pipe',
      });
    },
    halt(): void {
      run('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', 'stop']);
    },
    resume(): void {
      run('pg_ctl', ['-D', dataDir, '-o', serverOptions, '-l', path.join(root, 'server.log'), '-w', '-t', '60', 'start']);
    },
    freeze(): void {
      const postmaster = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      const children = spawnSync('pgrep', ['-P', String(postmaster)], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).map(Number);
      // The postmaster first, so it starts no new backend while the others are stopped.
      frozen = [postmaster, ...children];
      for (const pid of frozen) process.kill(pid, 'SIGSTOP');
    },
    thaw,
    stop(): void {
      if (isStopped) return;
      isStopped = true;
      thaw();
      try {
        run('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
      } finally {
        removeInBackground(root);
      }
    },
  };
}

/**
 * Removes a stopped cluster's folder without waiting for it: a cluster that held a hundred test
 * databases is tens of thousands of files, which took up to a minute to delete on a busy machine
 * and timed out the suite's last hook. The folder is renamed first, so nothing reuses the name.
 */
function removeInBackground(folder: string): void {
  const doomed = `${folder}-removing`;
  try {
    fs.renameSync(folder, doomed);
  } catch {
    fs.rmSync(folder, { recursive: true, force: true });
    return;
  }
  const remover = spawn('rm', ['-rf', doomed], { stdio: 'ignore', detached: true });
  remover.on('error', () => fs.rmSync(doomed, { recursive: true, force: true }));
  remover.unref();
}
