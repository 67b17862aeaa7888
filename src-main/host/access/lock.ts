import fs from 'node:fs';
import { lockTableNameOf } from '../../helper/lock-holders.mjs';
import { flockWith, writeLockWith, type LockResult, type WriteLockResult } from '../../helper/write-lock.mjs';
import { childProcess } from '../child-process.ts';
import { keyOf } from './extents.ts';

/**
 * Kernel advisory locks on an open file or block device. Node has no flock or fcntl binding, so a
 * child process takes the lock on a duplicate of our descriptor (passed as its fd 3). flock(2)
 * locks and OFD locks (F_OFD_SETLK) belong to the open file description, which we share: they stay
 * ours after the child exits and go away when we close the fd or die. Writers take both (perl,
 * helper/write-lock.mjs); readers announce themselves by their holder record instead and only look in /proc/locks
 * (lockTable, on the thread pool). ADR 0006 records why.
 *
 * 'locked': we hold it; 'conflict': another open file description holds an incompatible flock;
 * 'unavailable': no flock(1) on this system (then only O_EXCL and the in-use checks protect).
 */
export type { LockResult, WriteLockResult };

export function tryLock(fd: number, mode: 'shared' | 'exclusive'): LockResult {
  return flockWith(childProcess().spawnSync, fd, mode);
}

/**
 * A writer's lock, or why not. 'locked': the exclusive flock and an OFD write lock on the whole
 * file, which every other program's POSIX or OFD lock on any byte of it conflicts with (qemu's on
 * the images it runs, read or write), atomically, and which makes such a program back off from us
 * while we write. 'foreign': another program holds a POSIX or OFD lock (the caller names it from
 * /proc/locks). 'flock-only': the flock is ours (or flock(1) is missing) but no OFD lock could be
 * taken (no perl, or an architecture whose struct flock this does not know): the caller looks in
 * /proc/locks for other programs' locks instead. The perl program is in helper/write-lock.mjs: the
 * privileged helper takes the same locks on the devices it opens for writing.
 */
export function tryWriteLock(fd: number): WriteLockResult {
  return writeLockWith(childProcess().spawnSync, fd);
}

/**
 * The name /proc/locks gives the file `fd` is open on: "<maj>:<min>:<ino>", the device numbers in
 * hex. Taken when the file is opened, so a look made later cannot name another file.
 */
export function lockTableName(fd: number): string {
  return lockTableNameOf(fs.fstatSync(fd, { bigint: true }));
}

/** The name /proc/locks gives the file or device node at `path` when it is still the storage `key` names (a path may have been reused); else null. */
export function lockTableNameAt(path: string, key: string): string | null {
  let st: fs.BigIntStats;
  try {
    st = fs.statSync(path, { bigint: true });
  } catch {
    return null;
  }
  return key === keyOf(st) ? lockTableNameOf(st) : null;
}

/**
 * Whether anyone (any user, snapscope or not) holds an exclusive flock (`shared` too: any flock,
 * which a writer's exclusive one would conflict with) on the file /proc/locks names `name`
 * ("1: FLOCK  ADVISORY  WRITE <pid> <name> 0 EOF"; waiters, "1: -> FLOCK ...", hold nothing).
 */
export function exclusiveFlockIn(table: string, name: string, shared = false): boolean {
  return table.split('\n').some((line) => {
    const f = line.trim().split(/\s+/);
    return f[1] === 'FLOCK' && (shared || f[3] === 'WRITE') && f[5] === name;
  });
}

/**
 * /proc/locks, or null when it cannot be read. Opened here and now, then each read a request of
 * its own on the thread pool until one returns nothing (the kernel gives about a page per read):
 * fs.readFile would open it through the thread pool too, and its first read would wait for the
 * main thread to take that callback, which is busy reading the store.
 *
 * The first read of /proc/locks in a while waits 6-14 ms in the kernel (its percpu_down_write
 * waits for an RCU grace period; a read soon after takes 0.06 ms), so the table is read on libuv's
 * thread pool and the caller reads its store meanwhile (ADR 0006).
 */
export function lockTable(): Promise<string | null> {
  let fd: number;
  try {
    fd = fs.openSync('/proc/locks', 'r');
  } catch {
    return Promise.resolve(null);
  }
  const chunks: Buffer[] = [];
  return new Promise((resolve) => {
    const next = (): void => {
      const buffer = Buffer.allocUnsafe(16 * 1024);
      fs.read(fd, buffer, 0, buffer.length, null, (err, n) => {
        if (!err && n > 0) {
          chunks.push(buffer.subarray(0, n));
          return next();
        }
        fs.closeSync(fd);
        resolve(err ? null : Buffer.concat(chunks).toString('latin1'));
      });
    };
    next();
  });
}

/** /proc/locks now, for a writer that must know before it writes (a refusal, no OFD lock of its own); null when unreadable. */
export function lockTableNow(): string | null {
  try {
    return fs.readFileSync('/proc/locks', 'latin1');
  } catch {
    return null;
  }
}
