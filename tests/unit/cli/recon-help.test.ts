import { describe, expect, it } from 'vitest';
import { main } from '../../../main/cli/index';

async function recon(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** Every option each command has always accepted, with a value where it takes one. */
const ACCEPTED_OPTIONS: Record<string, Record<string, string | undefined>> = {
  ingest: { db: 'FILE', 'database-url': 'URL', profiles: 'DIR' },
  watch: { 'reports-at-cutoff': undefined, out: 'DIR', db: 'FILE', 'database-url': 'URL', profiles: 'DIR' },
  match: { date: 'YYYY-MM-DD', db: 'FILE', 'database-url': 'URL', profiles: 'DIR' },
  report: { date: 'YYYY-MM-DD', out: 'DIR', db: 'FILE', 'database-url': 'URL', profiles: 'DIR' },
  status: { json: undefined, db: 'FILE', 'database-url': 'URL', profiles: 'DIR' },
  profiles: { profiles: 'DIR' },
  rules: { note: 'TEXT', db: 'FILE', 'database-url': 'URL' },
  audit: { since: 'DATE', until: 'DATE', actor: 'NAME', subject: 'T:ID', out: 'FILE', db: 'FILE', 'database-url': 'URL', profiles: 'DIR' },
  demo: { out: 'DIR', days: 'N', 'per-day': 'N', seed: 'N', start: 'YYYY-MM-DD', format: 'csv|native' },
};

/** The options a help text documents: `  --name VALUE   what it does`. */
function documentedOptions(help: string): string[] {
  return [...help.matchAll(/^ {2}(?:-h, )?--([a-z-]+)(?: \S+)? {2,}\S/gm)].map((match) => match[1]!);
}

describe('recon help, generated from the commands', () => {
  it('lists every command in the overview, each with what it does', async () => {
    const overview = await recon('--help');
    expect(overview.code).toBe(0);
    for (const command of Object.keys(ACCEPTED_OPTIONS)) expect(overview.out).toMatch(new RegExp(`^ {2}${command}\\b.* {2,}\\w`, 'm'));
    expect(overview.out).toMatch(/^ {2}audit verify {2,}check the audit log's hash chain/m);
    expect((await recon()).out).toBe(overview.out);
    expect((await recon('help', 'report')).out).toBe((await recon('report', '--help')).out);
  });

  it('documents with a help line exactly the options each command accepts, and every one of them parses', async () => {
    for (const [command, accepted] of Object.entries(ACCEPTED_OPTIONS)) {
      const help = await recon(command, '--help');
      expect(help.code).toBe(0);
      expect({ command, options: documentedOptions(help.out).sort() }).toEqual({ command, options: [...Object.keys(accepted), 'help'].sort() });
      for (const [option, value] of Object.entries(accepted)) {
        expect(help.out).toContain(value === undefined ? `--${option} ` : `--${option} ${value} `);
        // With --help after it the command only parses: an option it did not know would exit 2.
        const parsed = await recon(command, `--${option}`, ...(value === undefined ? [] : ['x']), '--help');
        expect({ command, option, code: parsed.code, err: parsed.err }).toEqual({ command, option, code: 0, err: '' });
      }
    }
  });

  it('refuses an option a command does not take, pointing to that command\'s help', async () => {
    const refused = await recon('rules', '--profiles', 'x');
    expect(refused.code).toBe(2);
    const [problem, hint] = refused.err.split('\n');
    expect(problem).toMatch(/^recon: Unknown option '--profiles'/);
    expect(hint).toBe("Run 'recon rules --help' for usage.");
    // An async command's usage error is a usage error too, not a crash out of main.
    expect(await recon('rules', 'frob')).toEqual({ code: 2, out: '', err: 'recon: unknown rules verb "frob" (set, pending, approve or reject)\nRun \'recon rules --help\' for usage.' });
  });
});
