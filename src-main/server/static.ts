import fs from 'node:fs';
import type { ServerResponse } from 'node:http';
import path from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

/**
 * Serves a file of the built renderer; unknown paths get index.html (client-side routes). A path
 * that does not decode is a bad request; one that resolves (through `..` or a symbolic link)
 * outside the UI directory is refused.
 */
export function serveStatic(root: string, urlPath: string, res: ServerResponse, extraHeaders: Record<string, string>): void {
  let rel: string;
  try {
    rel = decodeURIComponent(urlPath);
  } catch {
    return void res.writeHead(400, { 'content-type': 'text/plain' }).end('bad request: malformed percent-encoding in the path');
  }
  if (rel.includes('\0')) return void res.writeHead(400, { 'content-type': 'text/plain' }).end('bad request: NUL in the path');
  const found = inside(root, rel);
  if (found === undefined) return void res.writeHead(403, { 'content-type': 'text/plain' }).end('forbidden: outside the UI directory');
  const file = found ?? inside(root, 'index.html');
  if (!file) {
    res.writeHead(404, { 'content-type': 'text/plain', ...extraHeaders }).end('snapscope: the UI is not built (run `node scripts/build-ui.mjs`); the API works');
    return;
  }
  res.writeHead(200, {
    'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
    ...extraHeaders,
  });
  fs.createReadStream(file).pipe(res);
}

/**
 * The regular file `rel` names under `root`, resolved with every link followed: null when there
 * is none, undefined when it resolves outside `root` (a traversal).
 */
function inside(root: string, rel: string): string | null | undefined {
  let real: string;
  let realRoot: string;
  try {
    realRoot = fs.realpathSync(root);
    real = fs.realpathSync(path.join(realRoot, path.normalize(`/${rel}`)));
  } catch {
    return null;
  }
  if (real !== realRoot && !real.startsWith(realRoot + path.sep)) return undefined;
  return fs.statSync(real).isFile() ? real : null;
}
