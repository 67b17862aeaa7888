/** The layering is the architecture (docs/ARCHITECTURE.md): CI fails on an import across layers. */
module.exports = {
  forbidden: [
    {
      name: 'core-is-pure',
      comment: 'src-core runs anywhere: no Node built-ins, no main, no renderer, no Electron.',
      severity: 'error',
      from: { path: '^src-core' },
      to: { pathNot: '^src-core', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'core-no-node-types',
      severity: 'error',
      from: { path: '^src-core' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'renderer-never-touches-node',
      comment: 'The renderer reaches the engine only through the API contract.',
      severity: 'error',
      from: { path: '^src-renderer' },
      to: { path: '^src-main|^node:|^electron$', dependencyTypesNot: [] },
    },
    {
      name: 'renderer-core-only-api',
      comment: 'From src-core the renderer may import the API contract and pure view helpers only.',
      severity: 'error',
      from: { path: '^src-renderer' },
      to: { path: '^src-core/(?!api/|events\\.ts|store\\.ts|teach/)' },
    },
    {
      name: 'renderer-no-node-builtins',
      severity: 'error',
      from: { path: '^src-renderer' },
      to: { dependencyTypes: ['core'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js', '.mjs'] },
  },
};
