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
    const [held, then] = other.session === null ? ['being opened', 'wait for that open, then close it'] : [`open as session ${other.session}`, 'close that session first'];
    throw new ApiError('in-use', `${cow} and ${other.cow} (${held}) ${shared}: ${then}`, { device: cow });
  }
}
