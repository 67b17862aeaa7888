/** The layering is the architecture (docs/ARCHITECTURE.md): CI fails on an import across layers. */
module.exports = {
  forbidden: [
    {
      name: 'core-is-pure',
      comment:
        'src-core runs anywhere: no Node built-ins, no main, no renderer, no Electron, no package; ' +
        'the API contract alone uses valibot for its schemas (src-core/api/schema.ts).',
      severity: 'error',
      from: { path: '^src-core' },
      to: { pathNot: '^src-core|^node_modules/valibot/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'schema-library-in-api-only',
      severity: 'error',
      from: { path: '^src-core/(?!api/)' },
      to: { path: '^node_modules/valibot/' },
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
      comment:
        'At run time the renderer imports from src-core the API contract only (types from anywhere). ' +
        'The teaching engine runs in its Web Worker (src-renderer/features/teach/worker), off the UI thread.',
      severity: 'error',
      from: { path: '^src-renderer', pathNot: '^src-renderer/features/teach/worker/' },
      to: { path: '^src-core/(?!api/)', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'renderer-no-teach-worker',
      comment: 'The page starts the teach worker by URL (new Worker) and never imports its modules.',
      severity: 'error',
      from: { path: '^src-renderer', pathNot: '^src-renderer/features/teach/worker/' },
      to: { path: '^src-renderer/features/teach/worker/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'renderer-no-node-builtins',
      severity: 'error',
      from: { path: '^src-renderer' },
      to: { dependencyTypes: ['core'] },
    },
    // Layers inside the engine (docs/ARCHITECTURE.md): format → txn → btree/alloc → store, and the
    // tools (check, stats, dump) over the one walker.
    {
      name: 'format-is-the-bottom',
      comment: 'The on-disk codecs depend on nothing but each other and the error type.',
      severity: 'error',
      from: { path: '^src-core/shared/format/' },
      to: { path: '^src-core/', pathNot: '^src-core/(shared/format/|errors\\.ts)' },
    },
    {
      name: 'walker-over-format',
      comment: 'The walker judges raw blocks: no transaction, tree, allocator or store logic (only its limits).',
      severity: 'error',
      from: { path: '^src-core/walk/' },
      to: { path: '^src-core/(shared/(txn|btree|alloc|merge)/|shared/store/(?!limits\\.ts)|check/|repair/|ir/|stats/|api/|teach/)' },
    },
    {
      name: 'engine-not-on-api',
      comment:
        'Types flow one way: the engine defines its own results and src-core/api re-exports or maps them. ' +
        'No engine module imports the API contract, not even a type.',
      severity: 'error',
      from: { path: '^src-core/', pathNot: '^src-core/api/' },
      to: { path: '^src-core/api/' },
    },
    {
      name: 'tools-over-walker',
      comment: 'check, stats and dump read a store through the walker, never through the engine.',
      severity: 'error',
      from: { path: '^src-core/(check/|stats/|ir/dump\\.ts)' },
      to: { path: '^src-core/shared/(txn|btree|alloc|store|merge)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js', '.mjs'] },
  },
};
