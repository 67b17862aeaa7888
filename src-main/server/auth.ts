import crypto from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { CHANNELS } from '../../src-core/api/contract.ts';

export function newToken(): string {
  return crypto.randomBytes(24).toString('hex');
}

/**
 * The token cookie's name carries the port: browsers scope cookies by host, not port, so another
 * server on 127.0.0.1 (another user's, or an older one of ours) must not receive or set ours.
 */
export function cookieName(port: number): string {
  return `${CHANNELS.cookie}_${port}`;
}

/** The token a request carries: `?token=`, the port's cookie, or `Authorization: Bearer`. */
export function presentedToken(req: IncomingMessage, url: URL, port: number): { token: string | null; fromQuery: boolean } {
  const q = url.searchParams.get(CHANNELS.tokenParam);
  if (q) return { token: q, fromQuery: true };
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return { token: auth.slice(7), fromQuery: false };
  const name = cookieName(port);
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return { token: part.slice(eq + 1).trim(), fromQuery: false };
  }
  return { token: null, fromQuery: false };
}

/**
 * Constant-time comparison of what was presented with the token. Both sides are hashed first:
 * timingSafeEqual throws on inputs of different byte lengths, and a string's length in
 * characters says nothing about its length in bytes.
 */
export function tokenMatches(given: string | null, token: string): boolean {
  if (given === null) return false;
  const digest = (s: string): Buffer => crypto.createHash('sha256').update(s, 'utf8').digest();
  return crypto.timingSafeEqual(digest(given), digest(token));
}

/**
 * The Host (and Origin, when sent) must name this loopback server: a web page elsewhere cannot
 * reach us through DNS rebinding, even before the token is checked.
 */
export function sameServer(req: IncomingMessage, port: number): boolean {
  const hosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  if (!hosts.has(req.headers.host ?? '')) return false;
  const origin = req.headers.origin;
  return origin === undefined || [...hosts].some((h) => origin === `http://${h}`);
}

export function tokenCookie(token: string, port: number): string {
  return `${cookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`;
}

/** The request's path and query, or null when its target cannot be parsed (answered 400). */
export function requestUrl(req: IncomingMessage): URL | null {
  const target = req.url ?? '/';
  if (!target.startsWith('/')) return null;
  try {
    return new URL(`http://127.0.0.1${target}`);
  } catch {
    return null;
  }
}
