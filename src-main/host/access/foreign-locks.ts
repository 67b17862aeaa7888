import fs from 'node:fs';
import { devNumber, rdevOf } from './block-info.ts';
import { lockTableNameAt, lockTableNow } from './lock.ts';
import type { Target } from './target.ts';

/**
 * Other programs' fcntl locks on a file, as /proc/locks lists them: POSIX locks (F_SETLK, owned by
 * a process) and OFD locks (F_OFD_SETLK, owned by an open file: qemu's on the images it runs).
 * snapscope's own are flock(2) locks and, for a writer, an OFD lock that conflicts with every
 * other. A writer that meets one of these, on its target or on storage sharing its bytes
 * (relatedStorage), is refused (foreignHolders); a reader facing a write lock warns (foreignWriters).
 */
export interface ForeignLock {
  kind: 'POSIX' | 'OFD';
  write: boolean;
  /** The holder's pid: a POSIX lock's from the table, an OFD lock's found through /proc/<pid>/fdinfo; null when unknown. */
  pid: number | null;
}

/**
 * The POSIX and OFD locks on the file /proc/locks names `name` ("<maj>:<min>:<ino>"), waiters
 * ("1: -> POSIX ...") left out: they hold nothing. Lines look like
 * "1: POSIX  ADVISORY  WRITE 1234 08:01:5678 0 EOF" and "2: OFDLCK ADVISORY  READ  -1 08:01:5678 100 101".
 * `which`: 'write' leaves read locks out. This process's own locks are not another program's: a
 * POSIX lock with its pid, an OFD lock its /proc/self/fdinfo lists (a writer of ours on the same
 * file through another node).
 */
export function foreignLocksIn(table: string, name: string, which: 'any' | 'write'): ForeignLock[] {
  const posix: ForeignLock[] = [];
  const ofd: string[] = [];
  for (const line of table.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f[5] !== name || (which === 'write' && f[3] !== 'WRITE')) continue;
    if (f[1] === 'POSIX' && Number(f[4]) !== process.pid) posix.push({ kind: 'POSIX', write: f[3] === 'WRITE', pid: Number(f[4]) });
    if (f[1] === 'OFDLCK') ofd.push(lockOf(f));
  }
  if (!ofd.length) return posix;
  for (const own of ofdLocksIn(fdinfoOf(process.pid), name)) {
    const i = ofd.indexOf(own);
    if (i >= 0) ofd.splice(i, 1);
  }
  if (!ofd.length) return posix;
  // OFD locks show pid -1: their holders are the processes with that file open whose fdinfo lists them.
  const holders = ofdHolders(name);
  return [
    ...posix,
    ...ofd.flatMap((l): ForeignLock[] => {
      const pids = holders.filter((h) => h.locks.includes(l)).map((h) => h.pid);
      return (pids.length ? pids : [null]).map((pid) => ({ kind: 'OFD', write: l.startsWith('WRITE'), pid }));
    }),
  ];
}

/** An OFD lock by what tells it apart in the table and in fdinfo alike: "READ 100 101". */
const lockOf = (f: readonly string[]): string => `${f[3]} ${f[6]} ${f[7]}`;

/** The OFD locks on `name` in the fdinfo texts of a process's open files, each once (an open file shared by two fds lists them twice). */
function ofdLocksIn(fdinfos: readonly string[], name: string): string[] {
  const locks = new Set<string>();
  for (const text of fdinfos) {
    for (const line of text.split('\n')) {
      const f = line.startsWith('lock:') ? line.slice(5).trim().split(/\s+/) : [];
      if (f[1] === 'OFDLCK' && f[5] === name) locks.add(lockOf(f));
    }
  }
  return [...locks];
}

/**
 * The processes whose open files carry OFD locks on `name`, with those locks: /proc/<pid>/fdinfo/<fd> lists an open file's
 * locks ("lock:\t1: OFDLCK ADVISORY  READ -1 fe:00:1564727 100 101"). One pass over every open
 * file of the processes this user may look at (a few ms for a few thousand); made only for a
 * refusal or a warning. Processes of other users stay unknown to a user who is not root.
 */
function ofdHolders(name: string): { pid: number; locks: string[] }[] {
  return readdir('/proc')
    .map(Number)
    .filter((pid) => Number.isInteger(pid) && pid !== process.pid)
    .map((pid) => ({ pid, locks: ofdLocksIn(fdinfoOf(pid), name) }))
    .filter((h) => h.locks.length > 0);
}

/** The fdinfo texts of a process's open files; those that cannot be read (closed meanwhile, not ours to read) left out. */
function fdinfoOf(pid: number): string[] {
  const dir = `/proc/${pid}/fdinfo`;
  return readdir(dir).flatMap((fd) => {
    try {
      return [fs.readFileSync(`${dir}/${fd}`, 'latin1')];
    } catch {
      return [];
    }
  });
}

function readdir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return []; // gone, or not ours to read
  }
}

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

/**
 * Who holds them, one entry per holder and kind: "qemu-system-x86 (pid 4242, OFD lock)",
 * "pid 77 (POSIX lock)" when its name cannot be read, "another process (an OFD lock, holder
 * unknown)".
 */
export function describeForeignLocks(locks: readonly ForeignLock[]): string {
  const seen = new Set<string>();
  const names: string[] = [];
  for (const l of locks) {
    const who = l.pid === null || l.pid <= 0 ? `another process (${l.kind === 'OFD' ? 'an' : 'a'} ${l.kind} lock, holder unknown)` : withName(l.pid, l.kind);
    if (!seen.has(who)) names.push(who);
    seen.add(who);
  }
  return names.length ? names.join(', ') : 'another process (a POSIX or OFD lock, not in /proc/locks when looked for)';
}

function withName(pid: number, kind: ForeignLock['kind']): string {
  try {
    return `${fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim()} (pid ${pid}, ${kind} lock)`;
  } catch {
    return `pid ${pid} (${kind} lock)`; // gone, or in another pid namespace
  }
}
