import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CHANNELS } from '../../src-core/api/contract.ts';
import { startServer, type RunningServer } from '../../src-main/server/server.ts';
import { persistentPair, tempDir } from './fixtures.ts';

/**
 * `snapscope serve` under attack by another local user or a web page (issue 12, points 11–13):
 * every request is sent raw, so Host, Origin and the bytes of the path are exactly what an
 * attacker would send. Each test fails if the guard it names is removed.
 */
let server: RunningServer;
let dir: string;
let uiDir: string;
const SECRET = 'secret outside the UI directory';

beforeAll(async () => {
  dir = tempDir();
  process.env['XDG_DATA_HOME'] = dir;
  uiDir = path.join(dir, 'ui');
  fs.mkdirSync(path.join(uiDir, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(uiDir, 'index.html'), '<!doctype html><title>snapscope</title>');
  fs.writeFileSync(path.join(uiDir, 'assets', 'app.js'), 'console.log(1)');
  fs.writeFileSync(path.join(dir, 'secret.txt'), SECRET);
  fs.mkdirSync(path.join(dir, 'outside'));
  fs.writeFileSync(path.join(dir, 'outside', 'secret.txt'), SECRET);
  fs.symlinkSync(path.join(dir, 'outside'), path.join(uiDir, 'escape')); // a link out of the UI tree
  const pair = persistentPair(dir);
  server = await startServer({ cow: pair.cow, origin: pair.origin, buildUi: false, uiDir, runtimeDir: path.join(dir, 'run'), log: () => undefined });
});
afterAll(async () => server?.close());

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One HTTP request: the path is sent byte for byte, headers exactly as given (Host too). */
function raw(method: string, rawPath: string, headers: Record<string, string> = {}, body = ''): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const hostGiven = Object.keys(headers).some((k) => k.toLowerCase() === 'host');
    const req = http.request({ host: '127.0.0.1', port: server.port, method, path: rawPath, setHost: false, headers: { ...(hostGiven ? {} : { host: `127.0.0.1:${server.port}` }), ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const bearer = (): Record<string, string> => ({ authorization: `Bearer ${server.token}` });
const call = (method: string, headers: Record<string, string>) => raw('POST', `${CHANNELS.httpCall}${method}`, { 'content-type': 'application/json', ...headers }, '{}');

/** A WebSocket upgrade, raw; resolves with the first response line. */
function upgrade(query: string, headers: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(server.port, '127.0.0.1');
    const lines = [
      `GET ${CHANNELS.ws}${query} HTTP/1.1`,
      ...('Host' in headers ? [] : [`Host: 127.0.0.1:${server.port}`]),
      'Upgrade: websocket',
      'Connection: Upgrade',
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
      'Sec-WebSocket-Version: 13',
      ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    ];
    sock.write(Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8'));
    let got = '';
    sock.on('data', (c) => {
      got += c.toString('latin1');
      if (got.includes('\r\n')) {
        sock.destroy();
        resolve(got.slice(0, got.indexOf('\r\n')));
      }
    });
    sock.on('error', reject);
    sock.on('close', () => resolve(got.split('\r\n')[0] ?? ''));
  });
}

async function stillServing(): Promise<void> {
  expect((await call('sessions', bearer())).status).toBe(200);
}

describe('tokens (point 11)', () => {
  it('a token of the right length in characters but not in bytes is refused over HTTP, without exception text', async () => {
    const multiByte = 'é'.repeat(server.token.length); // same .length, twice the bytes
    for (const headers of [{ authorization: `Bearer ${multiByte}` }, { cookie: `${CHANNELS.cookie}_${server.port}=${encodeURIComponent(multiByte)}` }]) {
      const r = await call('sessions', headers);
      expect(r.status).toBe(401);
      expect(r.body).not.toMatch(/Error|RangeError|at .*:\d+/);
    }
    const q = await raw('GET', `/?${CHANNELS.tokenParam}=${encodeURIComponent(multiByte)}`);
    expect(q.status).toBe(401);
    await stillServing();
  });

  it('the same over a WebSocket upgrade answers 401 and the server keeps running', async () => {
    const multiByte = encodeURIComponent('é'.repeat(server.token.length));
    expect(await upgrade(`?${CHANNELS.tokenParam}=${multiByte}`)).toMatch(/^HTTP\/1\.1 401/);
    await stillServing();
  });

  it('tokens too short, too long, one byte off or empty are refused', async () => {
    const t = server.token;
    const wrong = [t.slice(1), `${t}0`, `${t.slice(0, -1)}${t.endsWith('0') ? '1' : '0'}`, '', ' '.repeat(t.length), `${t.toUpperCase()}`];
    for (const w of wrong) {
      expect((await call('sessions', { authorization: `Bearer ${w}` })).status, JSON.stringify(w)).toBe(401);
      expect(await upgrade(`?${CHANNELS.tokenParam}=${encodeURIComponent(w)}`), JSON.stringify(w)).toMatch(/^HTTP\/1\.1 401/);
    }
    expect(await upgrade(`?${CHANNELS.tokenParam}=${t}`)).toMatch(/^HTTP\/1\.1 101/);
  });

  it('an authorised client sending a frame over the size limit, or garbage, is dropped and the server keeps running', async () => {
    for (const payload of [Buffer.alloc((1 << 20) + 10, 0x61), Buffer.from([0xff, 0xfe, 0x00])]) {
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}${CHANNELS.ws}?${CHANNELS.tokenParam}=${server.token}`);
      await new Promise((ok, fail) => (ws.on('open', ok), ws.on('error', fail)));
      const closed = new Promise((ok) => ws.on('close', ok));
      ws.on('error', () => undefined);
      ws.send(payload, { binary: payload.length < 10 ? false : true });
      if (payload.length > 10) await closed;
      else ws.close();
    }
    await stillServing();
  });
});

describe('Host and Origin (point 13: DNS rebinding, cross-site pages)', () => {
  it('a request with the right token but a foreign Host is refused', async () => {
    for (const host of ['evil.example', `evil.example:${server.port}`, `127.0.0.1.evil.example:${server.port}`, `127.0.0.1:${server.port + 1}`, '']) {
      const r = await raw('POST', `${CHANNELS.httpCall}sessions`, { ...bearer(), Host: host }, '{}');
      expect(r.status, host).toBe(403);
      const page = await raw('GET', `/?${CHANNELS.tokenParam}=${server.token}`, { Host: host });
      expect(page.status, host).toBe(403);
    }
  });

  it('a request with the right token from a foreign Origin is refused; our own origin is accepted', async () => {
    for (const origin of ['http://evil.example', `http://evil.example:${server.port}`, 'null', `https://127.0.0.1:${server.port}`, `http://127.0.0.1:${server.port + 1}`]) {
      expect((await call('sessions', { ...bearer(), origin })).status, origin).toBe(403);
    }
    expect((await call('sessions', { ...bearer(), origin: `http://127.0.0.1:${server.port}` })).status).toBe(200);
    expect((await call('sessions', { ...bearer(), origin: `http://localhost:${server.port}`, Host: `localhost:${server.port}` })).status).toBe(200);
  });

  it('a cross-site WebSocket (right token, foreign Origin or Host) is refused', async () => {
    const q = `?${CHANNELS.tokenParam}=${server.token}`;
    expect(await upgrade(q, { Origin: 'http://evil.example' })).toMatch(/^HTTP\/1\.1 40[13]/);
    expect(await upgrade(q, { Origin: `http://evil.example:${server.port}` })).toMatch(/^HTTP\/1\.1 40[13]/);
    expect(await upgrade(q, { Host: `evil.example:${server.port}` })).toMatch(/^HTTP\/1\.1 40[13]/);
    expect(await upgrade(q, { Origin: `http://127.0.0.1:${server.port}` })).toMatch(/^HTTP\/1\.1 101/);
    await stillServing();
  });
});

describe('static files (points 11, 13)', () => {
  const auth = (): Record<string, string> => ({ cookie: `${CHANNELS.cookie}_${server.port}=${server.token}` });

  it('serves the UI and its assets', async () => {
    const r = await raw('GET', '/assets/app.js', auth());
    expect(r.status).toBe(200);
    expect(r.body).toBe('console.log(1)');
  });

  it('no traversal out of the UI directory: dot segments, encoded separators, links', async () => {
    const tries = [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/..%2fsecret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/..%5csecret.txt',
      `/${'..%2f'.repeat(12)}${dir.slice(1)}/secret.txt`,
      '/escape/secret.txt',
      '/%65scape/secret.txt',
    ];
    for (const t of tries) {
      const r = await raw('GET', t, auth());
      expect(r.body, t).not.toContain(SECRET);
      expect([200, 400, 403, 404], t).toContain(r.status);
    }
  });

  it('malformed percent-encodings and NUL bytes answer 400 with no exception text', async () => {
    for (const t of ['/%', '/%E0%A4%A', '/%zz', '/assets/%C3%28.js', '/%00', '/a%00b']) {
      const r = await raw('GET', t, auth());
      expect(r.status, t).toBe(400);
      expect(r.body, t).not.toMatch(/URIError|TypeError|Error:|at .*:\d+/);
    }
    await stillServing();
  });
});

describe('the page (point 12)', () => {
  it('sends Referrer-Policy: no-referrer and a cookie named for this port', async () => {
    const r = await raw('GET', `/?${CHANNELS.tokenParam}=${server.token}`);
    expect(r.status).toBe(200);
    expect(r.headers['referrer-policy']).toBe('no-referrer');
    const cookie = r.headers['set-cookie']?.join('\n') ?? '';
    expect(cookie).toMatch(new RegExp(`^${CHANNELS.cookie}_${server.port}=${server.token};`));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const api = await call('sessions', bearer());
    expect(api.headers['referrer-policy']).toBe('no-referrer');
  });

  it("a cookie set by another port's server is not accepted", async () => {
    expect((await call('sessions', { cookie: `${CHANNELS.cookie}_${server.port + 1}=${server.token}` })).status).toBe(401);
    expect((await call('sessions', { cookie: `${CHANNELS.cookie}_${server.port}=${server.token}` })).status).toBe(200);
  });

  it('a body that is not JSON is a typed bad request, and the server keeps running', async () => {
    const r = await raw('POST', `${CHANNELS.httpCall}sessions`, { ...bearer(), 'content-type': 'application/json' }, '{');
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    await stillServing();
  });
});
