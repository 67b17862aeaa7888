import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { keyOf } from './extents.ts';

/**
 * Records across users, stage 1 (docs/safety.md): root's writers and dry runs also read the other
 * users' runtime directories, which root's own look (its own directory) never sees. A record there
 * is anybody's to write, so it counts only when it cannot be made up to block root: the file is the
 * directory's user's, its process is alive with the recorded start time (holders.ts), runs as that
 * user, and holds the very storage open (so that user could open it). A reader that records itself
 * and has not opened yet counts once it has: until then it comes after the writer, as any reader may.
 */

/** The other users' record directories root can see: /run/user/<uid>/snapscope, and snapscope-<uid> in the temp directories. */
export function otherUsersDirs(): { dir: string; uid: number }[] {
  const me = process.getuid?.();
  const found: { dir: string; uid: number }[] = [];
  for (const n of listed('/run/user')) if (/^\d+$/.test(n)) found.push({ dir: path.join('/run/user', n, 'snapscope'), uid: Number(n) });
  for (const tmp of new Set([os.tmpdir(), '/tmp'])) {
    for (const n of listed(tmp)) {
      const m = /^snapscope-(\d+)$/.exec(n);
      if (m) found.push({ dir: path.join(tmp, n), uid: Number(m[1]) });
    }
  }
  // Only a real directory of that user (not a symlink, not someone else's in a shared /tmp).
  return found.filter(({ dir, uid }) => uid !== me && ownedBy(dir, uid, (st) => st.isDirectory()));
}

/** Whether the file at `p` (not followed) is `uid`'s and passes `kind`. */
export function ownedBy(p: string, uid: number, kind: (st: fs.Stats) => boolean): boolean {
  try {
    const st = fs.lstatSync(p);
    return kind(st) && st.uid === uid;
  } catch {
    return false;
  }
}

/** Whether process `pid` runs as `uid` (real and effective) and has the storage `key` open. */
export function holdsAs(pid: number, uid: number, key: string): boolean {
  let status: string;
  try {
    status = fs.readFileSync(`/proc/${pid}/status`, 'latin1');
  } catch {
    return false;
  }
  const ids = /^Uid:\s+(\d+)\s+(\d+)/m.exec(status);
  if (!ids || Number(ids[1]) !== uid || Number(ids[2]) !== uid) return false;
  const fds = listed(`/proc/${pid}/fd`);
  return fds.some((fd) => {
    try {
      return keyOf(fs.statSync(`/proc/${pid}/fd/${fd}`)) === key;
    } catch {
      return false; // closed meanwhile, or not a file
    }
  });
}

function listed(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}
