import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type WebSocket } from 'ws';
import { CHANNELS, isMethod, type Transport, type WireClientMessage, type WireServerMessage } from '../../src-core/api/contract.ts';
import type { Envelope } from '../../src-core/api/errors.ts';
import { SnapscopeError } from '../../src-core/errors.ts';
import { hostConfig } from '../host/config.ts';
import { EngineHost } from '../host/engine-host.ts';
import { newToken, presentedToken, sameServer, tokenCookie, tokenMatches } from './auth.ts';
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
  /** The built renderer; default `out/renderer` of this checkout, built on first use. */
  uiDir?: string;
  /** Build the renderer when uiDir has no index.html (default true). */
  buildUi?: boolean;
  /** The engine to serve (default: a new EngineHost in a worker thread, disposed on close). */
  engine?: Transport & { dispose?(): Promise<void> };
  /** Remote hosts whose live dm snapshots the UI shows ([user@]host, through ssh; ADR 0008). */
  liveHosts?: string[];
  /** Where the one "serving" line goes (default stdout). */
  log?: (line: string) => void;
}

export interface RunningServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAX_BODY = 1 << 20;

/** The API over HTTP + WebSocket on 127.0.0.1, guarded by a random token, serving the built UI. */
export async function startServer(o: ServeOptions = {}): Promise<RunningServer> {
  const host = o.host ?? '127.0.0.1';
  if (host !== '127.0.0.1' && host !== 'localhost') {
    throw new SnapscopeError('usage', `snapscope serve listens on 127.0.0.1 only (asked for ${host}); to reach it from elsewhere, use an SSH tunnel: ssh -L 8080:127.0.0.1:<port> <this-host>`);
  }
  const uiDir = o.uiDir ?? path.join(ROOT, 'out', 'renderer');
  if (o.buildUi !== false && !fs.existsSync(path.join(uiDir, 'index.html'))) buildUi();
  const engine = o.engine ?? new EngineHost({ ...hostConfig('serve', version()), ...(o.liveHosts?.length && { liveHosts: o.liveHosts }) });
  if (o.cow) {
    const opened = await engine.call('open', { cow: o.cow, ...(o.origin ? { origin: o.origin } : {}), write: o.write === true });
    if (!opened.ok) {
      await (o.engine ? undefined : engine.dispose?.());
      throw new SnapscopeError(opened.error.code === 'internal' ? 'io' : (opened.error.code as SnapscopeError['code']), opened.error.message, opened.error.where);
    }
  }
  const token = newToken();
  let port = 0;

  const server = http.createServer((req, res) => {
    void handle(req, res).catch((e: unknown) => res.headersSent || res.writeHead(500).end(String(e)));
  });
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (!sameServer(req, port)) return void res.writeHead(403).end('forbidden: wrong Host or Origin');
    const given = presentedToken(req);
    if (!tokenMatches(given.token, token)) return void res.writeHead(401, { 'content-type': 'text/plain' }).end('unauthorized: open the URL with its ?token= that snapscope serve printed');
    const cookie: Record<string, string> = given.fromQuery ? { 'set-cookie': tokenCookie(token) } : {};
    const url = new URL(req.url ?? '/', 'http://x');
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
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== CHANNELS.ws || !sameServer(req, port) || !tokenMatches(presentedToken(req).token, token)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(req, socket, head, (ws) => attach(engine, ws));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}/?${CHANNELS.tokenParam}=${token}`;
  (o.log ?? ((l: string) => process.stdout.write(`${l}\n`)))(`snapscope: serving ${url}`);
  if (o.open) openBrowser(url);

  return {
    url,
    port,
    token,
    close: async () => {
      for (const ws of sockets.clients) ws.terminate();
      sockets.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      if (!o.engine) await engine.dispose?.();
    },
  };
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

function openBrowser(url: string): void {
  spawn('xdg-open', [url], { stdio: 'ignore', detached: true }).on('error', () => process.stderr.write(`snapscope: could not start a browser; open ${url}\n`)).unref();
}

function version(): string {
  try {
    return (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}
