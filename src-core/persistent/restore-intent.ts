/**
 * The undo record of an in-place restore or repair. A persistent table has fixed places, so its
 * new areas overwrite the old ones and no order of those writes keeps one table whole. Before the
 * first of them, sector 0 becomes an "intent" header: a persistent header with valid = 0 (the
 * kernel then loads the snapshot as invalid and never reads or writes its table) whose bytes
 * 16.. name the undo file holding every sector the rewrite overwrites (unused by the kernel, which
 * zeroes them when it writes a header). The new header, written last, ends it. Until then the next
 * open for writing puts the old sectors back (sector 0 last), so a crash leaves the old store or
 * the new one. The mark also holds a random id and the device's size, which its undo file records
 * too: an image that names someone else's backup is refused instead of receiving that store's
 * sectors. Encoded and decoded here only (docs/format-persistent.md § Interrupted rewrites).
 */
import { SnapscopeError } from '../errors.ts';
import { SECTOR_BYTES, type BlockDevice } from '../io/block-device.ts';
import { SNAP_MAGIC, SNAPSHOT_DISK_VERSION, encodeHeader, view } from './format.ts';

/** "SSUN" as le32, at byte 16 of sector 0. */
const INTENT_MAGIC = 0x4e555353;
const INTENT_AT = 16;
export const UNDO_ID_BYTES = 16;
/** Magic (4), undo id (16), device bytes (le64), path length (le16), path bytes. */
const ID_AT = INTENT_AT + 4;
const SIZE_AT = ID_AT + UNDO_ID_BYTES;
const LENGTH_AT = SIZE_AT + 8;
const PATH_AT = LENGTH_AT + 2;
export const MAX_UNDO_PATH_BYTES = SECTOR_BYTES - PATH_AT;

/** The undo file a rewrite names: where it is, and the random id it records in its own header. */
export interface UndoFile {
  path: string;
  id: Uint8Array;
}

/** What an intent header says: its undo file, and the size of the device it was written on. */
export interface Intent extends UndoFile {
  deviceBytes: number;
}

/** The sector that marks a rewrite in progress of a `deviceBytes` device whose undo is `undo`. */
export function encodeIntent(undo: UndoFile, deviceBytes: number, chunkSectors: number): Uint8Array {
  const path = new TextEncoder().encode(undo.path);
  if (path.length === 0 || path.length > MAX_UNDO_PATH_BYTES) {
    throw new SnapscopeError('usage', `the backup path ${JSON.stringify(undo.path)} must be 1 to ${MAX_UNDO_PATH_BYTES} bytes: it is written into the store's header sector, so an interrupted rewrite can be undone`, {});
  }
  if (undo.id.length !== UNDO_ID_BYTES) throw new RangeError(`an undo id is ${UNDO_ID_BYTES} bytes, not ${undo.id.length}`);
  const sector = new Uint8Array(SECTOR_BYTES);
  encodeHeader({ magic: SNAP_MAGIC, valid: 0, version: SNAPSHOT_DISK_VERSION, chunkSectors }, sector);
  const v = view(sector);
  v.setUint32(INTENT_AT, INTENT_MAGIC, true);
  sector.set(undo.id, ID_AT);
  v.setBigUint64(SIZE_AT, BigInt(deviceBytes), true);
  v.setUint16(LENGTH_AT, path.length, true);
  sector.set(path, PATH_AT);
  return sector;
}

/** The intent an intent header in `sector` (sector 0) holds, or null when it is none. */
export function decodeIntent(sector: Uint8Array): Intent | null {
  if (sector.length < SECTOR_BYTES) return null;
  const v = view(sector);
  if (v.getUint32(0, true) !== SNAP_MAGIC || v.getUint32(4, true) !== 0 || v.getUint32(INTENT_AT, true) !== INTENT_MAGIC) return null;
  const length = v.getUint16(LENGTH_AT, true);
  if (length === 0 || length > MAX_UNDO_PATH_BYTES) return null;
  const path = new TextDecoder('utf-8', { fatal: false }).decode(sector.subarray(PATH_AT, PATH_AT + length));
  // Beyond 2^53 no device this reads can have that size: kept inexact, it still never matches one.
  const deviceBytes = Number(v.getBigUint64(SIZE_AT, true));
  return { path, id: sector.slice(ID_AT, ID_AT + UNDO_ID_BYTES), deviceBytes };
}

/** Whether two undo ids are the same. */
export function sameUndoId(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The intent of an interrupted rewrite of `cow`, or null. */
export function interruptedRewrite(cow: BlockDevice): Intent | null {
  if (cow.size < SECTOR_BYTES) return null;
  const sector = new Uint8Array(SECTOR_BYTES);
  cow.read(0, sector);
  return decodeIntent(sector);
}

/**
 * Marks `cow` as being rewritten, undo in `undo` (through the device that saves what it
 * overwrites, so the old sector 0 is saved first), durably, before the first other write.
 */
export function beginRewrite(cow: BlockDevice, undo: UndoFile, chunkSectors: number): void {
  cow.write(0, encodeIntent(undo, cow.size, chunkSectors));
  cow.flush();
}

export interface SavedBytes {
  offset: number;
  bytes: Uint8Array;
}

/**
 * Writes saved old contents back: everything but sector 0, made durable, then sector 0 (which
 * ends the intent). A crash part way leaves the intent in place, and writing back again is the
 * same writes: the undo can be repeated until it completes.
 */
export function writeBack(cow: BlockDevice, saved: readonly SavedBytes[]): void {
  for (const r of saved) {
    if (r.offset + r.bytes.length > cow.size) throw new SnapscopeError('usage', `the undo writes ${r.bytes.length} bytes at offset ${r.offset}, past the end of ${cow.name} (${cow.size} bytes): not an undo of this device; nothing was written`, { device: cow.name, offset: r.offset });
  }
  let head: Uint8Array | null = null;
  for (const r of saved) {
    if (r.offset === 0) {
      // A backup saves each sector once, before its first overwrite: that is the content to put back.
      head ??= r.bytes.slice(0, SECTOR_BYTES);
      if (r.bytes.length > SECTOR_BYTES) cow.write(SECTOR_BYTES, r.bytes.subarray(SECTOR_BYTES));
    } else {
      cow.write(r.offset, r.bytes);
    }
  }
  cow.flush();
  if (head) {
    cow.write(0, head);
    cow.flush();
  }
}
