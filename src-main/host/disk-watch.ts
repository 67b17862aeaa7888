import fs from 'node:fs';
import { createHash } from 'node:crypto';
import type { BlockDevice } from '../../src-core/io/block-device.ts';

/** Bytes of the COW read for its fingerprint: the header chunk of either format lies within. */
const HEADER_BYTES = 4096;

/**
 * Notices commits made by others (the CLI, another program) to a store the host holds open. The
 * fingerprint is the file's mtime, ctime, size and inode plus a hash of the header: a regular file
 * changes mtime on every write; a block device has no mtime, so there only a changed header (a
 * shared store's commit, a persistent store's valid flag) is seen.
 */
export class DiskWatch {
  private print: string;

  constructor(
    private readonly path: string,
    private readonly cow: BlockDevice,
  ) {
    this.print = this.read();
  }

  /** After a commit of ours (or a reload): what is on disk now is what we hold. */
  settle(): void {
    this.print = this.read();
  }

  /** Whether the disk differs from what we hold; the change is reported once. */
  changed(): boolean {
    const now = this.read();
    if (now === this.print) return false;
    this.print = now;
    return true;
  }

  private read(): string {
    let stat = '';
    try {
      const st = fs.statSync(this.path);
      stat = st.isFile() ? `${st.mtimeMs}:${st.ctimeMs}:${st.size}:${st.ino}` : `${st.rdev}`;
    } catch {
      stat = 'gone';
    }
    const header = new Uint8Array(Math.min(HEADER_BYTES, this.cow.size));
    try {
      this.cow.read(0, header);
    } catch {
      return `${stat}:unreadable`;
    }
    return `${stat}:${createHash('sha1').update(header).digest('hex')}`;
  }
}
