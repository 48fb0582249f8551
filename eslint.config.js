import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// Product code: what ships in the app and the `recon` command. Tests and the benchmark may keep
// non-null assertions (a failed one fails the test, which is what it should do there).
const PRODUCT_FILES = ['shared/**/*.{ts,tsx}', 'main/**/*.{ts,tsx}', 'renderer/**/*.{ts,tsx}'];

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', 'coverage/**', 'bench/cache/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: {
        // Important: one tsconfig per layer, each with its own lib and types (the renderer has the
        // DOM and no Node, the shell has both). The project service only finds files named
        // tsconfig.json, and the root one covers neither the renderer nor the shell, so the list
        // is explicit. Each file is typed by the first project here that includes it.
        project: [
          './tsconfig.tests.json',
          './tsconfig.renderer.json',
          './tests/renderer/tsconfig.json',
          './tsconfig.electron.json',
          './tsconfig.e2e.json',
        ],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      // A promise nobody awaits loses its rejection: await it, or mark a deliberate
      // fire-and-forget with `void` after handling its error.
      '@typescript-eslint/no-floating-promises': 'error',
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'electron', message: 'Only main/electron (the shell) may import electron.' }] },
      ],
    },
  },
  {
    // The scripts and configs in plain JavaScript are in no tsconfig: no type information there.
    ...tseslint.configs.disableTypeChecked,
    files: ['**/*.{js,mjs,cjs}'],
  },
  {
    files: PRODUCT_FILES,
    rules: { '@typescript-eslint/no-non-null-assertion': 'error' },
  },
  {
    files: ['main/electron/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*', 'fs', 'path', 'os', 'crypto', 'electron', 'better-sqlite3', 'react', 'react-dom'], message: 'shared/ is pure TypeScript: no Node, no DOM, no Electron.' },
            { group: ['../main/*', '../renderer/*', '../../*'], message: 'shared/ imports nothing outside itself.' },
          ],
        },
      ],
    },
  },
);
