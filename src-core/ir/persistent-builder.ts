/**
 * Writes a persistent COW's metadata (header and exception table) for a given table; data
 * chunks stay where the entries say. Areas first, header last, as the kernel's format does.
 */
import { SnapscopeError } from '../errors.ts';
import { SECTOR_BYTES, type BlockDevice } from '../io/block-device.ts';
import { ENTRY_BYTES, ENTRY_FIELDS, Geometry, SNAP_MAGIC, encodeHeader, view, writeLe64 } from '../persistent/format.ts';
import type { DumpHeader, ExceptionSource } from './model.ts';
import type { BuildResult } from './shared-builder.ts';

export function buildPersistent(cow: BlockDevice, h: DumpHeader, source: ExceptionSource): BuildResult {
  const geo = new Geometry(h.chunkBytes / SECTOR_BYTES);
  const cb = geo.chunkBytes;
  const epa = geo.exceptionsPerArea;
  if (cow.size < h.chunkCount * cb) throw new SnapscopeError('usage', `${cow.name} (${cow.size} bytes) is smaller than the store (${h.chunkCount} chunks of ${cb} bytes)`, { device: cow.name });
  const used = new Uint8Array(Math.ceil(h.chunkCount / 8));
  const area = new Uint8Array(cb);
  const v = view(area);
  let n = 0;
  let written = 0;
  const writeArea = (index: number): void => {
    const chunk = geo.areaLocation(index);
    if (chunk >= h.chunkCount) throw new SnapscopeError('no-space', `area ${index} would lie past the end of the store (${h.chunkCount} chunks)`, { device: cow.name, chunk });
    cow.write(chunk * cb, area);
    area.fill(0);
    written++;
  };
  source.forEach((old, chunk) => {
    const bad = (why: string): never => {
      throw new SnapscopeError('corrupt', `exception ${n} (old_chunk ${old}, new_chunk ${chunk}): ${why}`, { entry: n });
    };
    if (!Number.isSafeInteger(old) || old < 0) bad('old_chunk is not a chunk number');
    if (!Number.isSafeInteger(chunk) || chunk <= 0 || chunk >= h.chunkCount || geo.isMetadataChunk(chunk)) bad('new_chunk is not a data chunk of the store');
    if (used[chunk >>> 3]! & (1 << (chunk & 7))) bad('new_chunk is used twice');
    used[chunk >>> 3]! |= 1 << (chunk & 7);
    const at = (n % epa) * ENTRY_BYTES;
    writeLe64(v, at + ENTRY_FIELDS.oldChunk.offset, old);
    writeLe64(v, at + ENTRY_FIELDS.newChunk.offset, chunk);
    n++;
    if (n % epa === 0) writeArea(n / epa - 1);
  });
  // The area holding the end of the table (all zero after a full one), then the next one zeroed
  // so no stale entries follow it.
  const last = Math.floor(n / epa);
  writeArea(last);
  if (geo.areaLocation(last + 1) < h.chunkCount) writeArea(last + 1);
  cow.flush();
  const head = new Uint8Array(SECTOR_BYTES);
  encodeHeader({ magic: SNAP_MAGIC, valid: h.valid ? 1 : 0, version: h.version, chunkSectors: geo.chunkSectors }, head);
  cow.write(0, head);
  cow.flush();
  return { exceptions: n, leaves: 0, nodes: 0, levels: 0, written: written + 1 };
}
