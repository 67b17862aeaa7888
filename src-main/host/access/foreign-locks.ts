import fs from 'node:fs';
import { devNumber, rdevOf } from './block-info.ts';
import { describeForeignLocks, foreignLocksIn } from '../../helper/lock-holders.mjs';
import { lockTableNameAt, lockTableNow } from './lock.ts';
import type { Target } from './target.ts';

/**
 * Other programs' fcntl locks on a file, as /proc/locks lists them: POSIX locks (F_SETLK, owned by
 * a process) and OFD locks (F_OFD_SETLK, owned by an open file: qemu's on the images it runs).
 * snapscope's own are flock(2) locks and, for a writer, an OFD lock that conflicts with every
 * other. A writer that meets one of these, on its target or on storage sharing its bytes
 * (relatedStorage), is refused (foreignHolders); a reader facing a write lock warns (foreignWriters).
 * Who holds them is helper/lock-holders.mjs's to say: the privileged helper names them too.
 */
export { describeForeignLocks, foreignLocksIn, type ForeignLock } from '../../helper/lock-holders.mjs';

/**
 * Who holds the POSIX or OFD locks that keep a writer off its target (`name`: its name in
 * /proc/locks), or null when none does. A writer refuses another program's lock on any range, read
 * or write (qemu's shared locks on an image mean a VM runs it), on the target or on storage that
 * shares its bytes (a loop device's backing file, a partition's disk, a disk's partitions), which
 * its own OFD lock does not cover: its OFD lock met one ('foreign'), or a look in /proc/locks now,
 * before the first write, finds one (where it could take no OFD lock, 'flock-only', or has such
 * storage).
 */
export function foreignHolders(result: 'locked' | 'foreign' | 'flock-only', name: string, target: Target): string | null {
  const related = relatedStorage(target);
  if (result === 'locked' && !related.length) return null;
  const table = lockTableNow() ?? '';
  const own = result === 'locked' ? [] : foreignLocksIn(table, name, 'any');
  // 'foreign' with nothing in the table (the lock went between the two looks, or the table cannot be read): still refused.
  const held = own.length || result === 'foreign' ? [describeForeignLocks(own)] : [];
  held.push(...lockedOn(table, related, 'any'));
  return held.length ? held.join(', ') : null;
}

/** Who holds other programs' write locks on the file `name` or on storage sharing its bytes (a reader's warning), or null. */
export function foreignWriters(table: string, name: string, related: readonly Related[]): string | null {
  const own = foreignLocksIn(table, name, 'write');
  const held = [...(own.length ? [describeForeignLocks(own)] : []), ...lockedOn(table, related, 'write')];
  return held.length ? held.join(', ') : null;
}

/**
 * Storage that shares a target's bytes without being its node: its name for messages and in
 * /proc/locks (named at open: a look may come after the close), and how it relates (" beneath it",
 * ", a partition of it").
 */
export interface Related {
  name: string;
  lockName: string;
  where: string;
}

/** What is beneath a target (its extents past its own: a loop's backing file, a partition's disk, a dm device's pieces), then a disk's partitions. */
export function relatedStorage(target: Target): Related[] {
  const seen = new Map<string, Related>();
  for (const e of target.extents.slice(1)) {
    const lockName = lockTableNameAt(e.name, e.key);
    if (lockName !== null && !seen.has(lockName)) seen.set(lockName, { name: e.name, lockName, where: ' beneath it' });
  }
  return [...seen.values(), ...partitionsOf(target)];
}

/** The partitions of a whole disk, by their node in /dev (which a VM given a partition opens). */
function partitionsOf(target: Target): Related[] {
  if (target.kind !== 'block') return [];
  const dir = `/sys/dev/block/${devNumber(target.stat!.rdev)}`;
  return readdir(dir).flatMap((entry): Related[] => {
    let dev: string;
    try {
      if (!fs.existsSync(`${dir}/${entry}/partition`)) return [];
      dev = fs.readFileSync(`${dir}/${entry}/dev`, 'utf8').trim();
    } catch {
      return [];
    }
    const [major, minor] = dev.split(':').map(Number);
    const lockName = lockTableNameAt(`/dev/${entry}`, `b${rdevOf(major!, minor!)}`);
    return lockName === null ? [] : [{ name: `/dev/${entry}`, lockName, where: ', a partition of it' }];
  });
}

/** Other programs' locks on related storage, one entry per storage: "qemu-system-x86 (pid 4242, OFD lock) on /vm.img beneath it". */
function lockedOn(table: string, related: readonly Related[], which: 'any' | 'write'): string[] {
  return related.flatMap((r) => {
    const locks = foreignLocksIn(table, r.lockName, which);
    return locks.length ? [`${describeForeignLocks(locks)} on ${r.name}${r.where}`] : [];
  });
}

function readdir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return []; // gone, or not ours to read
  }
}
