// esbuild settings for code that runs in Node from a bundle: the CLI's command files (serve's
// among them) and serve's engine threads (bin/snapscope.cjs), and the benchmarks' engine drivers
// (bench/engine-bundle.ts), so the benchmarks measure the engine built the way it ships.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

/** ES modules for Node 20, npm packages left as imports, whitespace and syntax minified (names kept). */
function nodeBundleOptions(root, outdir) {
  return { absWorkingDir: root, outdir, bundle: true, format: 'esm', platform: 'node', target: 'node20', packages: 'external', metafile: true, minifyWhitespace: true, minifySyntax: true, logLevel: 'error' };
}

/**
 * import.meta.url as the URL of the source file that says it, not of the bundle: the server finds
 * the checkout (its UI, package.json) and the engine the helper (helper-path.ts) next to their
 * sources. `keep`: files (relative to the root) whose import.meta.url stays the bundle's.
 */
function sourceFileUrls(root = '', keep = []) {
  const kept = new Set(keep.map((file) => path.resolve(root, file)));
  return {
    name: 'source-file-urls',
    setup(b) {
      b.onLoad({ filter: /\.ts$/ }, (a) => {
        if (kept.has(a.path)) return undefined;
        const text = fs.readFileSync(a.path, 'utf8');
        return { contents: text.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(a.path).href)), loader: 'ts' };
      });
    },
  };
}

module.exports = { nodeBundleOptions, sourceFileUrls };
