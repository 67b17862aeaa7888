/**
 * vitest setupFiles: in the renderer tests (jsdom), testing-library's findBy/waitFor wait up to 5 s
 * for what the real engine behind the app produces, not its default 1 s, which a loaded machine
 * (CI with parallel test files) overran in a check and a snapshot create. The other files do not
 * load testing-library at all.
 */
if ('document' in globalThis) {
  const { configure } = await import('@testing-library/react');
  configure({ asyncUtilTimeout: 5000 });
}

export {}; // a module, for the top-level await
