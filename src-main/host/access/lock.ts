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
 * Whether an exclusive flock is held on the file `fd` is open on, by anyone (any user, snapscope
 * or not): the kernel's table in /proc/locks, "1: FLOCK  ADVISORY  WRITE <pid> <maj>:<min>:<ino> 0 EOF"
 * with the device numbers in hex. Waiters ("1: -> FLOCK ...") hold nothing. False when the table
 * cannot be read.
 */
export function exclusiveFlockOn(fd: number): boolean {
  let table: string;
  try {
    table = fs.readFileSync('/proc/locks', 'latin1');
  } catch {
    return false;
  }
  const st = fs.fstatSync(fd, { bigint: true });
  const major = ((st.dev >> 8n) & 0xfffn) | ((st.dev >> 32n) & ~0xfffn);
  const minor = (st.dev & 0xffn) | ((st.dev >> 12n) & ~0xffn);
  const id = `${hex2(major)}:${hex2(minor)}:${st.ino}`;
  return table.split('\n').some((line) => {
    const f = line.trim().split(/\s+/);
    return f[1] === 'FLOCK' && f[3] === 'WRITE' && f[5] === id;
  });
}

const hex2 = (n: bigint): string => n.toString(16).padStart(2, '0');
