import { ApiError } from '../../src-core/api/errors.ts';
import { bytesKey, describeShared, inspectTarget, type Target } from './access/target.ts';

/**
 * Which store a COW path opens, for one session per store: where its bytes are (`bytesKey`, the
 * access layer's identity), so a file, its links, a loop device over all of it and another node
 * of that device are one store. `target` is kept to say how two stores that are not one share
 * bytes; null for a store this host cannot see (a live COW on another host, keyed by host and path).
 */
export interface StoreIdentity {
  key: string;
  target: Target | null;
}

/** The identity of the store at `path`; null when the path names nothing (the open then fails with its own message). */
export function storeIdentity(path: string): StoreIdentity | null {
  let target: Target;
  try {
    target = inspectTarget(path);
  } catch {
    return null; // unreadable: the open says why
  }
  const key = bytesKey(target);
  return key === null ? null : { key, target };
}

/** Whether two paths open one store. */
export function sameStore(a: string, b: string): boolean {
  const [x, y] = [storeIdentity(a), storeIdentity(b)];
  return x !== null && y !== null && x.key === y.key;
}

/** A store open (or being opened) under a session. */
export interface OpenStore {
  identity: StoreIdentity | null;
  cow: string;
  /** Null while its open is still running. */
  session: string | null;
  /** The origin it was opened with, if any. */
  origin: string | null;
}

/**
 * Refuses to open `cow` while another store that shares bytes with it is open: two sessions over
 * one byte would be two writers that know nothing of each other. The same store is not refused
 * here (it joins its session); the message says which bytes, as the CLI's refusals do.
 */
export function refuseSharedStore(cow: string, identity: StoreIdentity | null, open: Iterable<OpenStore>): void {
  if (!identity?.target) return;
  for (const other of open) {
    if (!other.identity?.target || other.identity.key === identity.key) continue;
    const shared = describeShared(identity.target, other.identity.target);
    if (!shared) continue;
    const [held, then] = heldAs(other);
    throw new ApiError('in-use', `${cow} and ${other.cow} (${held}) ${shared}: ${then}`, { device: cow });
  }
}

/**
 * Refuses to open `cow` over bytes of another open store's origin, or with an `origin` over bytes
 * of another open store's COW: a write to either would change the other under its session. Said
 * in the words of an origin and COW of one command that share bytes (originCowShared), naming the session.
 */
export function refuseCrossedOrigins(cow: string, origin: string | null, identity: StoreIdentity | null, open: Iterable<OpenStore>): void {
  if (!identity?.target) return;
  const originTarget = targetOf(origin);
  for (const other of open) {
    if (other.identity?.key === identity.key) continue;
    const [held, then] = heldAs(other);
    const otherOrigin = targetOf(other.origin);
    const underCow = otherOrigin && describeShared(identity.target, otherOrigin);
    if (underCow) throw new ApiError('in-use', `the origin ${other.origin} (${held}) and the COW ${cow} ${underCow}: ${then}`, { device: cow });
    const overCow = originTarget && other.identity?.target ? describeShared(originTarget, other.identity.target) : null;
    if (overCow) throw new ApiError('in-use', `the origin ${origin} and the COW ${other.cow} (${held}) ${overCow}: ${then}`, { device: origin! });
  }
}

/** What a path names now; null for none, or one that cannot be read (its own open says why). */
function targetOf(path: string | null): Target | null {
  try {
    return path === null ? null : inspectTarget(path);
  } catch {
    return null;
  }
}

/** How another store is held, and what to do about it. */
const heldAs = (other: OpenStore): [string, string] =>
  other.session === null ? ['being opened', 'wait for that open, then close it'] : [`open as session ${other.session}`, 'close that session first'];
