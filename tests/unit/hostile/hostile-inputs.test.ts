// Runs the catalogue of hostile inputs (hostile-catalogue.ts) against the real engine, one test
// per named case, and keeps the folder's README listing exactly those cases.

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { closeSharedBridge } from './cases-bridge-identity';
import { closeSharedWorkstation } from './cases-engine';
import { HOSTILE_CASES, renderCatalogueReadme } from './hostile-catalogue';

afterAll(async () => {
  await closeSharedBridge();
  await closeSharedWorkstation();
});

describe('the catalogue of hostile inputs', () => {
  it.each(HOSTILE_CASES)('$id ($category): $title', async (hostile) => {
    await hostile.run();
  });

  it('names at least 85 cases, each once, each with a title and an expected outcome', () => {
    expect(HOSTILE_CASES.length).toBeGreaterThanOrEqual(85);
    const ids = HOSTILE_CASES.map((hostile) => hostile.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const hostile of HOSTILE_CASES) {
      expect(hostile.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(hostile.title.trim()).not.toBe('');
      expect(hostile.expected.trim()).not.toBe('');
    }
  });

  it('is listed in its README exactly as the table holds it (npx tsx tests/unit/hostile/write-readme.ts)', () => {
    const readme = fs.readFileSync(path.join(import.meta.dirname, 'README.md'), 'utf8');
    expect(readme).toBe(renderCatalogueReadme(HOSTILE_CASES));
  });
});
