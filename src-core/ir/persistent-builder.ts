/**
 * Writes a persistent COW's metadata (header and exception table) for a given table; data
 * chunks stay where the entries say. Pass 1 (`layoutPersistent`) validates the whole table
 * before anything is written, so a refusal leaves the target untouched; then areas, header last,
 * as the kernel's format does.
 */
import { SnapscopeError } from '../errors.ts';
import { SECTOR_BYTES, type BlockDevice } from '../io/block-device.ts';
import { ENTRY_BYTES, ENTRY_FIELDS, Geometry, SNAP_MAGIC, chunkSizeProblem, encodeHeader, view, writeLe64 } from '../persistent/format.ts';
import type { DumpHeader, ExceptionSource } from './model.ts';
import type { BuildResult } from './shared-builder.ts';
import { releaseStoreHeader } from './live-store.ts';
import type { RestoreOptions } from './restore.ts';

/**
 * Pass 1: the header's geometry, then every entry (old_chunk a chunk number, new_chunk a data
 * chunk of the store used once, no old_chunk twice: the kernel keeps one exception per origin
 * chunk) and room for the area that ends the table. Throws 'corrupt' or 'no-space'; writes nothing.
 */
export function layoutPersistent(h: DumpHeader, source: ExceptionSource): { geo: Geometry; exceptions: number } {
  const sectors = h.chunkBytes / SECTOR_BYTES;
  const problem = chunkSizeProblem(sectors);
  if (problem) throw new SnapscopeError('corrupt', `persistent store header: chunk size ${h.chunkBytes} bytes (${sectors} sectors) ${problem}`, {});
  const geo = new Geometry(sectors);
  if (!Number.isSafeInteger(h.chunkCount) || h.chunkCount <= geo.areaLocation(0)) throw new SnapscopeError('corrupt', `persistent store header: ${h.chunkCount} chunks cannot hold the header and area 0`, {});
  if (!Number.isSafeInteger(h.version) || h.version < 0 || h.version > 0xffffffff) throw new SnapscopeError('corrupt', `persistent store header: version ${h.version} is not a 32-bit number`, {});
  const used = new Uint8Array(Math.ceil(h.chunkCount / 8));
  let olds = new Float64Array(1024);
  let n = 0;
  source.forEach((old, chunk) => {
    const bad = (why: string): never => {
      throw new SnapscopeError('corrupt', `exception ${n} (old_chunk ${old}, new_chunk ${chunk}): ${why}`, { entry: n });
    };
    if (!Number.isSafeInteger(old) || old < 0) bad('old_chunk is not a chunk number');
    if (!Number.isSafeInteger(chunk) || chunk <= 0 || chunk >= h.chunkCount || geo.isMetadataChunk(chunk)) bad('new_chunk is not a data chunk of the store');
    if (used[chunk >>> 3]! & (1 << (chunk & 7))) bad('new_chunk is used twice');
    used[chunk >>> 3]! |= 1 << (chunk & 7);
    if (n === olds.length) {
      const grown = new Float64Array(n * 2);
      grown.set(olds);
      olds = grown;
    }
    olds[n++] = old;
  });
  const dup = duplicate(olds.subarray(0, n));
  if (dup !== null) {
    const [first, second] = entriesOf(source, dup);
    throw new SnapscopeError('corrupt', `exceptions ${first} and ${second} both remap old_chunk ${dup}: a persistent store holds one exception per origin chunk (repair the source store, which keeps the first)`, { entry: second });
  }
  const lastArea = Math.floor(n / geo.exceptionsPerArea);
  if (geo.areaLocation(lastArea) >= h.chunkCount) {
    throw new SnapscopeError('no-space', `${n} exceptions need metadata area ${lastArea} (chunk ${geo.areaLocation(lastArea)}) to end the table, past the end of the store (${h.chunkCount} chunks)`, { chunk: geo.areaLocation(lastArea) });
  }
  return { geo, exceptions: n };
}

/** A value present twice, found by sorting in place (8 bytes per exception, no objects), or null. */
function duplicate(values: Float64Array): number | null {
  values.sort();
  for (let i = 1; i < values.length; i++) if (values[i] === values[i - 1]) return values[i]!;
  return null;
}

/** The first two entries remapping `old` (the sort lost the positions; the source is read again). */
function entriesOf(source: ExceptionSource, old: number): [number, number] {
  const at: number[] = [];
  let i = 0;
  source.forEach((o) => {
    if (o === old) at.push(i);
    i++;
  });
  return [at[0]!, at[1]!];
}

export function buildPersistent(cow: BlockDevice, h: DumpHeader, source: ExceptionSource, opts: RestoreOptions = {}): BuildResult {
  if (cow.size < h.chunkCount * h.chunkBytes) throw new SnapscopeError('usage', `${cow.name} (${cow.size} bytes) is smaller than the store (${h.chunkCount} chunks of ${h.chunkBytes} bytes)`, { device: cow.name });
  const { geo } = layoutPersistent(h, source);
  // Areas are rewritten in place; a crash among them would mix two tables under one header. So a
  // store already there is marked first (undone at the next open after a crash) or loses its header.
  releaseStoreHeader(cow, opts.undo, geo.chunkSectors);
  const cb = geo.chunkBytes;
  const epa = geo.exceptionsPerArea;
  const area = new Uint8Array(cb);
  const v = view(area);
  let n = 0;
  let written = 0;
  const writeArea = (index: number): void => {
    cow.write(geo.areaLocation(index) * cb, area);
    area.fill(0);
    written++;
  };
  source.forEach((old, chunk) => {
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
