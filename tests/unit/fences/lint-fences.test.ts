// The fences of `npm run lint` and the test run, each shown to catch a deliberate violation:
// probe files are written into the tree (where the rules look), checked with the same tools and
// configs the scripts use, and removed again whatever happens.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const probeName = `fence-probe-${process.pid}-${Date.now()}`;

type Run = { status: number | null; stdout: string; stderr: string };

function runTool(tool: string, args: string[]): Run {
  // The child is a run of its own, not a part of this one.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('VITEST')));
  const result = spawnSync(path.join(root, 'node_modules', '.bin', tool), args, {
    cwd: root,
    env: { ...env, NO_COLOR: '1', FORCE_COLOR: '0' },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Writes the probes (paths relative to the root), runs `check` on them, and always removes them. */
function withProbes<T>(probes: Record<string, string>, check: (files: string[]) => T): T {
  const files = Object.keys(probes);
  try {
    for (const [file, text] of Object.entries(probes)) fs.writeFileSync(path.join(root, file), text);
    return check(files);
  } finally {
    for (const file of files) fs.rmSync(path.join(root, file), { force: true });
  }
}

/** An existing module of a folder, as an import specifier without extension (the probe survives renames). */
function someModule(folder: string): string {
  const name = fs
    .readdirSync(path.join(root, folder))
    .filter((entry) => entry.endsWith('.ts') && !entry.startsWith('fence-probe-'))
    .sort()[0];
  if (name === undefined) throw new Error(`No TypeScript module in ${folder} for the probe to import.`);
  return name.replace(/\.ts$/, '');
}

type DepcruiseViolation = { from: string; to: string; rule: { name: string } };

describe('dependency-cruiser', () => {
  it('refuses the front ends importing each other and the preload importing the engine, and allows the arrows', () => {
    const probes = {
      [`main/cli/${probeName}.ts`]: `import '../electron/${someModule('main/electron')}';\n`,
      [`main/bridge/${probeName}.ts`]: `import '../cli/${someModule('main/cli')}';\n`,
      [`main/electron/${probeName}.ts`]: `import '../bridge/${someModule('main/bridge')}';\n`,
      [`main/electron/preload/${probeName}.ts`]: `import '../../engine/${someModule('main/engine')}';\n`,
      [`main/cli/${probeName}-allowed.ts`]: `import '../engine/${someModule('main/engine')}';\nimport '../../shared/${someModule('shared')}';\n`,
    };
    const violations = withProbes(probes, (files) => {
      const run = runTool('depcruise', ['--config', '.dependency-cruiser.cjs', '--output-type', 'json', ...files]);
      // With a JSON report depcruise leaves the exit code to the reader: the violations are the verdict.
      expect(run.stderr).toBe('');
      const report = JSON.parse(run.stdout) as { summary: { violations: DepcruiseViolation[] } };
      return report.summary.violations
        .filter((violation) => violation.from.includes(probeName))
        .map((violation) => `${violation.from} ${violation.rule.name}`)
        .sort();
    });
    expect(violations).toEqual(
      [
        `main/bridge/${probeName}.ts bridge-knows-no-other-front-end`,
        `main/cli/${probeName}.ts cli-knows-no-other-front-end`,
        `main/electron/${probeName}.ts shell-knows-no-other-front-end`,
        `main/electron/preload/${probeName}.ts preload-only-shared-and-electron`,
      ].sort(),
    );
  });
});

type EslintFileResult = { filePath: string; messages: { ruleId: string | null; message: string }[] };

describe('eslint', () => {
  it('reports floating promises everywhere and non-null assertions in product code only', () => {
    const floating = 'async function settle(): Promise<number> {\n  return 1;\n}\n\nexport function start(): void {\n  settle();\n}\n';
    const nonNull = 'const amounts: number[] = [1];\n\nexport const first = amounts[0]!;\n';
    const probes = {
      [`main/engine/${probeName}-floating.ts`]: floating,
      [`renderer/src/${probeName}-floating.ts`]: floating,
      [`tests/unit/fences/${probeName}-floating.ts`]: floating,
      [`shared/${probeName}-non-null.ts`]: nonNull,
      [`main/cli/${probeName}-non-null.ts`]: nonNull,
      [`tests/unit/fences/${probeName}-non-null.ts`]: nonNull,
    };
    const reported = withProbes(probes, (files) => {
      const run = runTool('eslint', ['--format', 'json', ...files]);
      expect(run.status, run.stderr).toBe(1);
      const results = JSON.parse(run.stdout) as EslintFileResult[];
      return Object.fromEntries(
        results.map((result) => [path.relative(root, result.filePath), result.messages.map((message) => message.ruleId ?? message.message)]),
      );
    });
    expect(reported).toEqual({
      [`main/engine/${probeName}-floating.ts`]: ['@typescript-eslint/no-floating-promises'],
      [`renderer/src/${probeName}-floating.ts`]: ['@typescript-eslint/no-floating-promises'],
      [`tests/unit/fences/${probeName}-floating.ts`]: ['@typescript-eslint/no-floating-promises'],
      [`shared/${probeName}-non-null.ts`]: ['@typescript-eslint/no-non-null-assertion'],
      [`main/cli/${probeName}-non-null.ts`]: ['@typescript-eslint/no-non-null-assertion'],
      [`tests/unit/fences/${probeName}-non-null.ts`]: [],
    });
  });
});

describe('vitest', () => {
  it('fails a run that meets a .only instead of skipping the other tests', () => {
    const probe = `tests/unit/fences/${probeName}.test.ts`;
    // The probe's tests have empty bodies: what is under test is vitest refusing the .only, not them.
    const text = "import { it } from 'vitest';\n\nit.only('runs alone', () => {});\n\nit('would be skipped', () => {});\n";
    const run = withProbes({ [probe]: text }, () => runTool('vitest', ['run', probe, '--project', 'node']));
    expect(run.status).not.toBe(0);
    expect(run.stdout + run.stderr).toContain('Unexpected .only modifier');
  });
});
