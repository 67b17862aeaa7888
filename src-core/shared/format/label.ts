/**
 * Label chain (docs/format-shared.md § Labels): the header's label_chunk points to the first
 * label block; each holds as many snapshot labels as fit and le64 next (0 ends the chain).
 * Snapscope rewrites the whole chain into new chunks when a label changes (labels change rarely,
 * and a chain is one or a few chunks), so a commit never overwrites a committed label block.
 */
import { SnapscopeError } from '../../errors.ts';
import { getU64, setU64 } from './le.ts';

export const LABEL_MAGIC = 0x4c424c53; // "SLBL"
export const LABEL_VERSION = 1;
export const LABEL_HEADER_BYTES = 16;
export const LABEL_ENTRY_FIXED_BYTES = 32;
export const MAX_NAME_BYTES = 128;
export const LABEL_LAYOUT = {
  magic: { offset: 0, size: 4 },
  version: { offset: 4, size: 2 },
  count: { offset: 6, size: 2 },
  next: { offset: 8, size: 8 },
  entries: { offset: 16, size: 32 },
  'entry.slot': { offset: 0, size: 1 },
  'entry.name_len': { offset: 1, size: 1 },
  'entry.flags': { offset: 2, size: 1 },
  'entry.reserved': { offset: 3, size: 1 },
  'entry.lost': { offset: 4, size: 4 },
  'entry.created': { offset: 8, size: 8 },
  'entry.uuid': { offset: 16, size: 16 },
  'entry.name': { offset: 32, size: 0 },
} as const;

export interface SnapshotLabel {
  slot: number;
  name: string;
  /** Canonical lower-case 8-4-4-4-12 form. */
  uuid: string;
  /** Unix seconds. */
  created: number;
  /**
   * Present when a repair could not recover every exception of this snapshot: how many origin
   * chunks it lost (LOST_UNKNOWN: a range whose contents were unreadable). The engine refuses to
   * read or merge such a snapshot unless forced (docs/check.md § repair).
   */
  lost?: number;
}

/** entry.flags bit 0: the snapshot lost data in a repair (entry.lost says how many chunks). */
export const LABEL_FLAG_DAMAGED = 1;
/** entry.lost when the count is not known (a lost range whose leaf could not be read). */
export const LOST_UNKNOWN = 0xffffffff;

const UTF8_OUT = new TextEncoder();
/** Fatal: a name that is not UTF-8 is an error, never silently replaced. */
const UTF8_IN = new TextDecoder('utf-8', { fatal: true });

/** A label name's bytes on disk (UTF-8). */
export function nameBytes(name: string): Uint8Array {
  return UTF8_OUT.encode(name);
}

/** The name in `bytes`, or null when they are not UTF-8. */
function decodeName(bytes: Uint8Array): string | null {
  try {
    return UTF8_IN.decode(bytes);
  } catch {
    return null;
  }
}

function entryBytes(nameBytes: number): number {
  return LABEL_ENTRY_FIXED_BYTES + ((nameBytes + 7) & ~7);
}

/** Splits labels into per-block groups that fit `chunkBytes`. */
export function packLabels(labels: readonly SnapshotLabel[], chunkBytes: number): SnapshotLabel[][] {
  const blocks: SnapshotLabel[][] = [];
  let current: SnapshotLabel[] = [];
  let used = LABEL_HEADER_BYTES;
  for (const label of labels) {
    const size = entryBytes(nameBytes(label.name).length);
    if (used + size > chunkBytes) {
      blocks.push(current);
      current = [];
      used = LABEL_HEADER_BYTES;
    }
    current.push(label);
    used += size;
  }
  if (current.length) blocks.push(current);
  return blocks;
}

export function encodeLabelBlock(labels: readonly SnapshotLabel[], next: number, out: Uint8Array): void {
  out.fill(0);
  const dv = new DataView(out.buffer, out.byteOffset, out.length);
  dv.setUint32(0, LABEL_MAGIC, true);
  dv.setUint16(4, LABEL_VERSION, true);
  dv.setUint16(6, labels.length, true);
  setU64(dv, 8, next);
  let at = LABEL_HEADER_BYTES;
  for (const label of labels) {
    const name = nameBytes(label.name);
    out[at] = label.slot;
    out[at + 1] = name.length;
    if (label.lost !== undefined) {
      out[at + 2] = LABEL_FLAG_DAMAGED;
      dv.setUint32(at + 4, Math.min(label.lost, LOST_UNKNOWN), true);
    }
    setU64(dv, at + 8, label.created);
    out.set(uuidToBytes(label.uuid), at + 16);
    out.set(name, at + LABEL_ENTRY_FIXED_BYTES);
    at += entryBytes(name.length);
  }
}

export interface LabelBlock {
  labels: SnapshotLabel[];
  next: number;
}

/**
 * Decodes one label block. A name that is not UTF-8 is a corrupt block, unless `skipBadName` is
 * given: then that entry is left out and reported to it, so check and repair keep the block's
 * other labels.
 */
export function decodeLabelBlock(bytes: Uint8Array, chunk: number, device: string, skipBadName?: (entry: number, slot: number) => void): LabelBlock {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const fail = (msg: string, field: string, entry?: number): never => {
    const ent = entry === undefined ? '' : `, entry ${entry}`;
    throw new SnapscopeError('corrupt', `label block: ${msg} (chunk ${chunk}${ent}, field ${field})`, {
      device,
      chunk,
      field,
      ...(entry === undefined ? {} : { entry }),
    });
  };
  if (dv.getUint32(0, true) !== LABEL_MAGIC) fail('bad magic', 'magic');
  if (dv.getUint16(4, true) !== LABEL_VERSION) fail(`version ${dv.getUint16(4, true)} is not ${LABEL_VERSION}`, 'version');
  const count = dv.getUint16(6, true);
  const next = getU64(dv, 8, { device, chunk, field: 'next' });
  const labels: SnapshotLabel[] = [];
  let at = LABEL_HEADER_BYTES;
  for (let i = 0; i < count; i++) {
    if (at + LABEL_ENTRY_FIXED_BYTES > bytes.length) fail(`count ${count} runs past the chunk`, 'count');
    const slot = bytes[at]!;
    const len = bytes[at + 1]!;
    if (slot > 63) fail(`slot ${slot} is not 0..63`, 'entry.slot', i);
    if (len > MAX_NAME_BYTES || at + entryBytes(len) > bytes.length) fail(`name length ${len} is too long`, 'entry.name_len', i);
    const name = decodeName(bytes.subarray(at + LABEL_ENTRY_FIXED_BYTES, at + LABEL_ENTRY_FIXED_BYTES + len));
    const created = getU64(dv, at + 8, { device, chunk, entry: i, field: 'entry.created' });
    const lost = (bytes[at + 2]! & LABEL_FLAG_DAMAGED) !== 0 ? { lost: dv.getUint32(at + 4, true) } : {};
    if (name !== null) labels.push({ slot, created, uuid: bytesToUuid(bytes.subarray(at + 16, at + 32)), name, ...lost });
    else if (skipBadName) skipBadName(i, slot);
    else fail(`the name of slot ${slot} is not UTF-8`, 'entry.name', i);
    at += entryBytes(len);
  }
  return { labels, next };
}

export function uuidToBytes(uuid: string): Uint8Array {
  const hex = uuid.replace(/-/g, '');
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16) || 0;
  return out;
}

export function bytesToUuid(b: Uint8Array): string {
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
