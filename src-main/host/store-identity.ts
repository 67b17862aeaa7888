import fs from 'node:fs';

/**
 * What a COW path names, as a key: a block device by its device number (two nodes, or a link, for
 * one device are one store), anything else by device and inode after resolving links, so
 * `/d/shared.cow`, `/d/./shared.cow`, a symbolic link and a hard link to it are one store.
 * Null when the path does not exist (the open then fails with its own message).
 */
export function storeIdentity(path: string): string | null {
  try {
    const st = fs.statSync(fs.realpathSync(path));
    return st.isBlockDevice() ? `block ${st.rdev}` : `file ${st.dev}:${st.ino}`;
  } catch {
    return null;
  }
}
