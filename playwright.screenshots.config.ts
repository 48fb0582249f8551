// `npm run screenshots`: the README's pictures, from the real window (see docs/screenshots/).
import { defineConfig } from '@playwright/test';
import base from './playwright.config';

export default defineConfig({
  ...base,
  testDir: 'docs/screenshots',
  testMatch: '*.shots.ts',
  outputDir: 'test-results/screenshots',
  projects: base.projects!.filter((project) => project.name === 'chromium'),
});
