import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type WebSocket } from 'ws';
import { CHANNELS, isMethod, type Transport, type WireClientMessage, type WireServerMessage } from '../../src-core/api/contract.ts';
import type { Envelope } from '../../src-core/api/errors.ts';
import { SnapscopeError } from '../../src-core/errors.ts';
import { hostConfig } from '../host/config.ts';
import { EngineHost } from '../host/engine-host.ts';
import { newToken, presentedToken, requestUrl, sameServer, tokenCookie, tokenMatches } from './auth.ts';
import { openBrowser } from './launcher.ts';
import { defaultRuntimeDir, serveToken } from './runtime-dir.ts';
import { serveStatic } from './static.ts';

export interface ServeOptions {
  cow?: string;
  origin?: string;
  write?: boolean;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Open the URL in the default browser. */
  open?: boolean;
  /** Only 127.0.0.1 (or localhost) is accepted: serve mode is for this machine and SSH tunnels. */
  host?: string;
  /** The built renderer; default $SNAPSCOPE_UI_DIR, else `out/renderer` of this checkout, built on first use. */
  uiDir?: string;
  /** Build the renderer when uiDir has no index.html (default true). */
  buildUi?: boolean;
  /** The engine to serve (default: a new EngineHost in a worker thread, disposed on close). */
  engine?: Transport & { dispose?(): Promise<void> };
  /** Remote hosts whose live dm snapshots the UI shows ([user@]host, through ssh; ADR 0008). */
  liveHosts?: string[];
  /** Where the one "serving" line goes (default stdout). */
  log?: (line: string) => void;
  /** The per-user directory (0700) of the token file and launcher pages; default runtime-dir.ts's. */
  runtimeDir?: string;
  /** Replace the kept token: pages of earlier servers stop working. */
  newToken?: boolean;
}

export interface RunningServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAX_BODY = 1 << 20;

/** The API over HTTP + WebSocket on 127.0.0.1, guarded by a token, serving the built UI. */
export async function startServer(o: ServeOptions = {}): Promise<RunningServer> {
  const host = o.host ?? '127.0.0.1';
  if (host !== '127.0.0.1' && host !== 'localhost') {
    throw new SnapscopeError('usage', `snapscope serve listens on 127.0.0.1 only (asked for ${host}); to reach it from elsewhere, use an SSH tunnel: ssh -L 8080:127.0.0.1:<port> <this-host>`);
  }
  const wanted = o.port ?? 0;
  if (!Number.isInteger(wanted) || wanted < 0 || wanted > 65535) throw new SnapscopeError('usage', `port ${wanted} is not a TCP port (0 to 65535; 0 picks a free one)`);
  const runtimeDir = o.runtimeDir ?? defaultRuntimeDir();
  const token = keptToken(runtimeDir, o.newToken === true);
  const uiDir = o.uiDir ?? process.env['SNAPSCOPE_UI_DIR'] ?? path.join(ROOT, 'out', 'renderer');
  const engine = o.engine ?? new EngineHost({ ...hostConfig('serve', version()), ...(o.liveHosts?.length && { liveHosts: o.liveHosts }) });
  const server = http.createServer();
  let port = 0; // set once listening, before any request can arrive

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    res.setHeader('referrer-policy', 'no-referrer');
    void handle(req, res).catch((e: unknown) => {
      process.stderr.write(`snapscope serve: ${req.method} ${String(req.url).slice(0, 200)}: ${e instanceof Error ? e.message : String(e)}\n`);
      if (res.headersSent) res.destroy();
      else res.writeHead(500, { 'content-type': 'text/plain' }).end('internal error (the server logged it)');
    });
  });
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (!sameServer(req, port)) return void res.writeHead(403, { 'content-type': 'text/plain' }).end('forbidden: wrong Host or Origin');
    const url = requestUrl(req);
    if (!url) return void res.writeHead(400, { 'content-type': 'text/plain' }).end('bad request: the request target is not a path');
    const given = presentedToken(req, url, port);
    if (!tokenMatches(given.token, token)) return void res.writeHead(401, { 'content-type': 'text/plain' }).end('unauthorized: open the URL with its ?token= that snapscope serve printed');
    const cookie: Record<string, string> = given.fromQuery ? { 'set-cookie': tokenCookie(token, port) } : {};
    if (url.pathname.startsWith(CHANNELS.httpCall)) {
      if (req.method !== 'POST') return void res.writeHead(405, { allow: 'POST' }).end();
      const reply = await callFromHttp(engine, url.pathname.slice(CHANNELS.httpCall.length), req);
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store', ...cookie }).end(JSON.stringify(reply));
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405).end();
    serveStatic(uiDir, url.pathname, res, cookie);
  };

  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_BODY });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy()); // a reset before the handshake must not end the server
    const url = requestUrl(req);
    const refusal =
      !sameServer(req, port) ? '403 Forbidden'
      : url?.pathname !== CHANNELS.ws ? '404 Not Found'
      : !tokenMatches(presentedToken(req, url, port).token, token) ? '401 Unauthorized'
      : null;
    if (refusal) return void socket.end(`HTTP/1.1 ${refusal}\r\nconnection: close\r\n\r\n`);
    sockets.handleUpgrade(req, socket, head, (ws) => attach(engine, ws));
  });

  try {
    await listen(server, wanted); // before the open: a busy port fails at once
    port = (server.address() as AddressInfo).port;
    if (o.cow) {
      const opened = await engine.call('open', { cow: o.cow, ...(o.origin ? { origin: o.origin } : {}), write: o.write === true });
      if (!opened.ok) throw new SnapscopeError(opened.error.code === 'internal' ? 'io' : (opened.error.code as SnapscopeError['code']), opened.error.message, opened.error.where);
    }
  } catch (e) {
    server.close();
    server.closeAllConnections();
    if (!o.engine) await engine.dispose?.();
    throw e;
  }
  if (o.buildUi !== false && !fs.existsSync(path.join(uiDir, 'index.html'))) buildUi();

  const url = `http://127.0.0.1:${port}/?${CHANNELS.tokenParam}=${token}`;
  (o.log ?? ((l: string) => process.stdout.write(`${l}\n`)))(`snapscope: serving ${url}`);
  const launcher = o.open ? launch(runtimeDir, port, url) : null;

  return {
    url,
    port,
    token,
    close: async () => {
      launcher?.remove();
      for (const ws of sockets.clients) ws.terminate();
      sockets.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      if (!o.engine) await engine.dispose?.();
    },
  };
}

/** The kept token; a fresh one for this run only when the runtime directory cannot be used. */
function keptToken(dir: string, rotate: boolean): string {
  try {
    return serveToken(dir, rotate);
  } catch (e) {
    process.stderr.write(`snapscope: cannot keep the access token in ${dir} (${e instanceof Error ? e.message : String(e)}); using one for this run only\n`);
    return newToken();
  }
}

function launch(dir: string, port: number, url: string): { remove(): void } | null {
  try {
    return openBrowser(dir, port, url);
  } catch (e) {
    process.stderr.write(`snapscope: cannot write the launcher page in ${dir} (${e instanceof Error ? e.message : String(e)}); open the URL printed above\n`);
    return null;
  }
}

/** Listens on 127.0.0.1, turning a busy or forbidden port into one clear error. */
function listen(server: http.Server, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      const why =
        e.code === 'EADDRINUSE' ? new SnapscopeError('in-use', `port ${port} on 127.0.0.1 is in use by another program; choose another with --port, or leave --port out to get a free one`)
        : e.code === 'EACCES' ? new SnapscopeError('usage', `port ${port} needs privileges this user does not have; use a port above 1023, or leave --port out`)
        : new SnapscopeError('io', `cannot listen on 127.0.0.1:${port}: ${e.message}`);
      reject(why);
    });
    server.listen(port, '127.0.0.1', () => resolve());
  });
}

async function callFromHttp(engine: Transport, method: string, req: IncomingMessage): Promise<Envelope<unknown>> {
  let body = '';
  for await (const chunk of req) {
    body += String(chunk);
    if (body.length > MAX_BODY) return badRequest('request body too large');
  }
  let args: unknown;
  try {
    args = body === '' ? {} : JSON.parse(body);
  } catch {
    return badRequest('the body is not JSON');
  }
  if (!isMethod(method)) return { ok: false, error: { code: 'unknown-method', message: `no API call named ${method.slice(0, 100)}`, where: {} } };
  return engine.call(method, args);
}

/** One WebSocket client: every event, and calls with ids. */
function attach(engine: Transport, ws: WebSocket): void {
  const send = (m: WireServerMessage): void => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(m));
  };
  const unsubscribe = engine.subscribe((event) => send({ type: 'event', event }));
  ws.on('close', unsubscribe);
  ws.on('error', () => ws.terminate()); // a bad frame (too large, not UTF-8) ends this client only
  ws.on('message', (data) => {
    let m: WireClientMessage;
    try {
      m = JSON.parse(String(data)) as WireClientMessage;
    } catch {
      return;
    }
    if (m?.type !== 'call' || typeof m.id !== 'number') return;
    const reply = isMethod(m.method) ? engine.call(m.method, m.args) : Promise.resolve(badRequest(`no API call named ${String(m.method).slice(0, 100)}`));
    void reply.then((response) => send({ type: 'result', id: m.id, response }));
  });
}

function badRequest(message: string): Envelope<never> {
  return { ok: false, error: { code: 'bad-request', message, where: {} } };
}

function buildUi(): void {
  process.stderr.write('snapscope: the UI is not built yet; building it (node scripts/build-ui.mjs)...\n');
  try {
    execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build-ui.mjs')], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  } catch {
    process.stderr.write('snapscope: building the UI failed; serving the API only\n');
  }
}

function version(): string {
  try {
    return (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}
