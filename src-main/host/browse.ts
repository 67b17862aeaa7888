import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowseEntry, BrowseResult } from '../../src-core/api/dto.ts';
import { ApiError } from '../../src-core/api/errors.ts';

/** Entries listed at most: a directory of a million files must not flood the page. */
const MAX_ENTRIES = 2000;

/**
 * One directory, for serve mode's file chooser. The path is made absolute and its symlinks are
 * resolved first, and entries are joined to it by name (never by a client-given path), so what is
 * listed is exactly what this user can read there: no `..` or link leads anywhere the user could
 * not open anyway. Unreadable entries are left out; nothing is opened but directories.
 */
export function browse(dir?: string): BrowseResult {
  const asked = dir === undefined || dir === '~' ? os.homedir() : dir;
  if (!path.isAbsolute(asked)) throw new ApiError('bad-request', `dir: expected an absolute path (got ${asked.slice(0, 200)})`, { field: 'dir' });
  let real: string;
  try {
    real = fs.realpathSync(asked);
    if (!fs.statSync(real).isDirectory()) throw new ApiError('usage', `${asked} is not a directory`, { field: 'dir' });
    fs.accessSync(real, fs.constants.R_OK | fs.constants.X_OK);
  } catch (e) {
    if (e instanceof ApiError) throw e;
    throw new ApiError('not-found', `cannot list ${asked}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such directory' : 'permission denied'}`, { field: 'dir' });
  }
  const entries: BrowseEntry[] = [];
  let more = 0;
  for (const name of fs.readdirSync(real).sort((a, b) => a.localeCompare(b))) {
    const entry = describe(path.join(real, name), name);
    if (!entry) continue;
    if (entries.length < MAX_ENTRIES) entries.push(entry);
    else more++;
  }
  entries.sort((a, b) => Number(b.kind === 'directory') - Number(a.kind === 'directory'));
  const parent = path.dirname(real);
  return { dir: real, parent: parent === real ? null : parent, entries, more };
}

function describe(full: string, name: string): BrowseEntry | null {
  try {
    const st = fs.statSync(full);
    if (st.isDirectory()) {
      fs.accessSync(full, fs.constants.R_OK | fs.constants.X_OK);
      return { name, path: full, kind: 'directory', sizeBytes: null };
    }
    if (!st.isFile() && !st.isBlockDevice()) return null;
    fs.accessSync(full, fs.constants.R_OK);
    return { name, path: full, kind: st.isFile() ? 'file' : 'device', sizeBytes: st.isFile() ? st.size : null };
  } catch {
    return null; // unreadable, or gone meanwhile
  }
}
