import crypto from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { CHANNELS } from '../../src-core/api/contract.ts';

export function newToken(): string {
  return crypto.randomBytes(24).toString('hex');
}

/** The token a request carries: `?token=`, the cookie, or `Authorization: Bearer`. */
export function presentedToken(req: IncomingMessage): { token: string | null; fromQuery: boolean } {
  const url = new URL(req.url ?? '/', 'http://x');
  const q = url.searchParams.get(CHANNELS.tokenParam);
  if (q) return { token: q, fromQuery: true };
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return { token: auth.slice(7), fromQuery: false };
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, v] = part.trim().split('=');
    if (k === CHANNELS.cookie && v) return { token: v, fromQuery: false };
  }
  return { token: null, fromQuery: false };
}

export function tokenMatches(given: string | null, token: string): boolean {
  if (given === null || given.length !== token.length) return false;
  return crypto.timingSafeEqual(Buffer.from(given), Buffer.from(token));
}

/**
 * The Host (and Origin, when sent) must name this loopback server: a web page elsewhere cannot
 * reach us through DNS rebinding, even before the token is checked.
 */
export function sameServer(req: IncomingMessage, port: number): boolean {
  const ok = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  if (!ok.has(req.headers.host ?? '')) return false;
  const origin = req.headers.origin;
  return origin === undefined || ok.has(origin.replace(/^http:\/\//, ''));
}

export function tokenCookie(token: string): string {
  return `${CHANNELS.cookie}=${token}; HttpOnly; SameSite=Strict; Path=/`;
}
