import fs from 'node:fs';
import { createHash } from 'node:crypto';
import { persistentOf } from '../../src-core/formats.ts';
import type { BlockDevice } from '../../src-core/io/block-device.ts';
import { ENTRY_BYTES } from '../../src-core/persistent/format.ts';
import type { ExceptionStore } from '../../src-core/store.ts';
import { DirectDevice } from './live/direct-device.ts';

/** Bytes of the COW read for its fingerprint: the header chunk of either format lies within. */
const HEADER_BYTES = 4096;

/** A piece of the COW that a change by someone else would alter. */
export interface WatchRegion {
  offset: number;
  bytes: number;
}

/**
 * Notices commits made by others (the CLI, another program, the kernel) to a store the host holds
 * open. The fingerprint is the file's mtime, ctime, size and inode, a hash of the header, and a
 * hash of the regions the store's format says change without the header (`regions`): the kernel
 * appends a persistent COW's exceptions to its last metadata area and never rewrites its header,
 * and a block device has no mtime. On a block device the fingerprint is read with O_DIRECT where
 * the device allows it, so writes that bypassed the page cache (dm-snapshot's) are seen too.
 */
export class DiskWatch {
  private print: string;
  private readonly direct: DirectDevice | null;

  constructor(
    private readonly path: string,
    private readonly cow: BlockDevice,
    private readonly regions: () => WatchRegion[] = () => [],
  ) {
    this.direct = openDirect(path);
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

  close(): void {
    this.direct?.close();
  }

  private read(): string {
    let stat = '';
    try {
      const st = fs.statSync(this.path);
      stat = st.isFile() ? `${st.mtimeMs}:${st.ctimeMs}:${st.size}:${st.ino}` : `${st.rdev}`;
    } catch {
      stat = 'gone';
    }
    const dev = this.direct ?? this.cow;
    const hash = createHash('sha1');
    try {
      for (const r of [{ offset: 0, bytes: Math.min(HEADER_BYTES, dev.size) }, ...this.regions()]) {
        const bytes = new Uint8Array(Math.min(r.bytes, dev.size - r.offset));
        dev.read(r.offset, bytes);
        hash.update(bytes);
      }
    } catch {
      return `${stat}:unreadable`;
    }
    return `${stat}:${hash.digest('hex')}`;
  }
}

/**
 * Where a persistent table grows or shrinks without its header changing: its last entry and the
 * slot after it (an append, a merge's clearing), and the first slot of the next area (an append
 * once the last area is full). A shared store commits through its header: none.
 */
export function watchRegions(store: ExceptionStore): () => WatchRegion[] {
  const p = persistentOf(store);
  if (!p) return () => [];
  return () => {
    const geo = p.geometry;
    const cb = geo.chunkBytes;
    const area = Math.max(0, Math.ceil(p.exceptions / geo.exceptionsPerArea) - 1);
    const end = (p.exceptions - area * geo.exceptionsPerArea) * ENTRY_BYTES; // bytes of entries in that area
    const from = Math.max(0, end - ENTRY_BYTES);
    const regions = [{ offset: geo.areaLocation(area) * cb + from, bytes: Math.min(cb, end + ENTRY_BYTES) - from }];
    const next = geo.areaLocation(area + 1);
    if (next < p.chunkCount) regions.push({ offset: next * cb, bytes: ENTRY_BYTES });
    return regions;
  };
}

/** A direct-read handle on a block device, or null (a file, or a device that refuses O_DIRECT or this user). */
function openDirect(path: string): DirectDevice | null {
  try {
    return fs.statSync(path).isBlockDevice() ? DirectDevice.open(path) : null;
  } catch {
    return null;
  }
}
