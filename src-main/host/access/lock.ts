import fs from 'node:fs';
import { childProcess } from '../child-process.ts';

/**
 * Kernel advisory locks (flock(2)) on an open file or block device. Node has no flock binding, so
 * util-linux `flock(1)` takes the lock on a duplicate of our descriptor (passed as its fd 3): a
 * flock lock belongs to the open file description, which we share, so it stays ours after the
 * child exits and goes away when we close the fd or die. Writers take it; readers announce
 * themselves by their holder record instead and only look for a writer's lock (exclusiveFlockOn),
 * which needs no child process. ADR 0006 records why.
 *
 * 'locked': we hold it; 'conflict': another open file description holds an incompatible lock;
 * 'unavailable': no flock(1) on this system (then only O_EXCL and the in-use checks protect).
 */
export type LockResult = 'locked' | 'conflict' | 'unavailable';

export function tryLock(fd: number, mode: 'shared' | 'exclusive'): LockResult {
  const r = childProcess().spawnSync('flock', ['--nonblock', mode === 'shared' ? '--shared' : '--exclusive', '3'], { stdio: ['ignore', 'ignore', 'ignore', fd], timeout: 10_000 });
  if (r.error) return 'unavailable';
  return r.status === 0 ? 'locked' : 'conflict';
}

/**
 * The name /proc/locks gives the file `fd` is open on: "<maj>:<min>:<ino>", the device numbers in
 * hex. Taken when the file is opened, so a look made later cannot name another file.
 */
export function lockTableName(fd: number): string {
  const st = fs.fstatSync(fd, { bigint: true });
  const major = ((st.dev >> 8n) & 0xfffn) | ((st.dev >> 32n) & ~0xfffn);
  const minor = (st.dev & 0xffn) | ((st.dev >> 12n) & ~0xffn);
  return `${hex2(major)}:${hex2(minor)}:${st.ino}`;
}

/**
 * Whether anyone (any user, snapscope or not) holds an exclusive flock on the file /proc/locks
 * names `name` ("1: FLOCK  ADVISORY  WRITE <pid> <name> 0 EOF"; waiters, "1: -> FLOCK ...", hold
 * nothing). False when the table cannot be read.
 *
 * The first read of /proc/locks in a process waits 6-14 ms in the kernel (its percpu_down_write
 * waits for an RCU grace period; a read soon after takes 0.06 ms), so the table is read on libuv's
 * thread pool and the caller reads its store meanwhile (ADR 0006).
 */
export async function exclusiveFlockOn(name: string): Promise<boolean> {
  const table = await readLockTable();
  return table !== null && table.split('\n').some((line) => {
    const f = line.trim().split(/\s+/);
    return f[1] === 'FLOCK' && f[3] === 'WRITE' && f[5] === name;
  });
}

/**
 * /proc/locks, or null when it cannot be read. Opened here and now, then each read a request of
 * its own on the thread pool until one returns nothing (the kernel gives about a page per read):
 * fs.readFile would open it through the thread pool too, and its first read would wait for the
 * main thread to take that callback, which is busy reading the store.
 */
function readLockTable(): Promise<string | null> {
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

const hex2 = (n: bigint): string => n.toString(16).padStart(2, '0');
