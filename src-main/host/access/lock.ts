import { spawnSync } from 'node:child_process';

/**
 * Kernel advisory locks (flock(2)) on an open file or block device. Node has no flock binding, so
 * util-linux `flock(1)` takes the lock on a duplicate of our descriptor (passed as its fd 3): a
 * flock lock belongs to the open file description, which we share, so it stays ours after the
 * child exits and goes away when we close the fd or die. ADR 0006 records why.
 *
 * 'locked': we hold it; 'conflict': another open file description holds an incompatible lock;
 * 'unavailable': no flock(1) on this system (then only O_EXCL and the in-use checks protect).
 */
export type LockResult = 'locked' | 'conflict' | 'unavailable';

export function tryLock(fd: number, mode: 'shared' | 'exclusive'): LockResult {
  const r = spawnSync('flock', ['--nonblock', mode === 'shared' ? '--shared' : '--exclusive', '3'], { stdio: ['ignore', 'ignore', 'ignore', fd], timeout: 10_000 });
  if (r.error) return 'unavailable';
  return r.status === 0 ? 'locked' : 'conflict';
}
