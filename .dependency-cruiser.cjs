/** Layer rules (style.md "The arrows"): a violation fails `npm run lint`. */
module.exports = {
  forbidden: [
    {
      name: 'no-electron-outside-shell',
      comment: 'Only the shell (main/electron) may import electron: the engine, CLI and tests run without its binary.',
      severity: 'error',
      from: { pathNot: '^main/electron/' },
      to: { path: '^(node_modules/)?electron($|/)', dependencyTypes: ['npm', 'npm-dev', 'npm-no-pkg', 'unknown', 'undetermined'] },
    },
    {
      name: 'shared-is-self-contained',
      comment: 'shared/ is pure TypeScript: it imports only itself and zod.',
      severity: 'error',
      from: { path: '^shared/' },
      to: { pathNot: ['^shared/', '^node_modules/zod/'] },
    },
    {
      name: 'engine-knows-no-front-end',
      comment: 'main/engine is driven by the shell, the CLI and the loopback bridge, never the other way round.',
      severity: 'error',
      from: { path: '^main/engine/' },
      to: { path: '^(main/electron|main/cli|main/bridge|renderer)/' },
    },
    {
      name: 'renderer-only-through-shared',
      comment: 'The renderer reaches main only through the typed preload API (shared/ipc).',
      severity: 'error',
      from: { path: '^renderer/' },
      to: { path: '^main/' },
    },
    {
      name: 'only-store-imports-sqlite',
      comment: 'Only main/engine/store talks to SQLite.',
      severity: 'error',
      from: { pathNot: '^main/engine/store/' },
      to: { path: 'node_modules/better-sqlite3/' },
    },
    {
      name: 'no-circular',
      comment: 'A cycle of runtime imports; a type-only import back (a schema and its built-in instances) is no cycle at run time.',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
