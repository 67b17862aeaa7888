/** The commit point (labels, then the transaction's blocks and bitmap, then the header sector) and close. */
import { encodeHeader, HEADER_BYTES } from '../format/header.ts';
import { encodeLabelBlock, packLabels } from '../format/label.ts';
import { toBigMask } from '../mask.ts';
import { checkWritable } from './guards.ts';
import type { StoreState } from './state.ts';

/**
 * Makes every change so far durable and atomic: origin writes, then blocks, bitmap, then the header
 * sector. When nothing changed since the last commit but the frees that commit released (an API
 * write commits inside writeOrigin, then once more), only those bitmap sectors are written, with no
 * header and no flush: on disk they only unmark chunks no committed block references, so landing or
 * not, the store is sound (a crash before they land leaves a leak, which open reclaims and check
 * reports as a warning). That saves a header write and two flushes per API write.
 */
export function commit(s: StoreState): void {
  checkWritable(s);
  flushOrigins(s);
  if (!s.tx.dirty && !s.labelsDirty) return;
  if (!s.tx.changedSinceCommit && !s.labelsDirty && !headerChanged(s)) {
    s.tx.writeReleasedFrees();
    return;
  }
  try {
    if (s.labelsDirty) writeLabels(s);
    s.hdr.generation++;
    s.tx.writeBlocks();
    writeHeader(s);
    s.tx.finishCommit();
  } catch (e) {
    // The blocks that failed are no longer queued: committing again would reference them.
    s.failedCommit = e instanceof Error ? e.message : String(e);
    throw e;
  }
  s.tx.trim();
  s.events?.({
    type: 'commit',
    root: s.tree.root,
    levels: s.tree.levels,
    snapmask: toBigMask(s.snapLo, s.snapHi),
    generation: s.hdr.generation,
    labelChunk: s.labelChain[0] ?? 0,
  });
}

/** Commits pending changes (when writable) and closes the COW device. */
export function close(s: StoreState): void {
  if (s.closed) return;
  // A second commit writes the bitmap with the first one's deferred frees, and those bitmap writes
  // (made without a flush: see commit) are flushed, so a clean close leaks nothing.
  const writable = !s.readOnly && s.failedCommit === null;
  for (let k = 0; k < 2 && writable && (s.tx.dirty || s.labelsDirty); k++) commit(s);
  if (writable) s.tx.flushReleasedFrees();
  flushOrigins(s);
  s.closed = true;
  s.tx.cache.clear();
  s.cow.close();
}

/** Origin writes are reported done when the command returns: make them durable (docs/format-shared.md § Crash guarantees). */
function flushOrigins(s: StoreState): void {
  if (s.originsWritten.size === 0) return;
  for (const origin of s.originsWritten) origin.flush();
  s.originsWritten.clear();
}

/** The commit point: the in-memory header fields brought up to date and written as one sector. */
function writeHeader(s: StoreState): void {
  updateHeader(s);
  encodeHeader(s.hdr, s.headerSector);
  s.cow.write(0, s.headerSector);
}

function updateHeader(s: StoreState): void {
  const h = s.hdr;
  h.rootChunk = s.tree.root;
  h.treeLevel = s.tree.levels;
  h.snapmask = maskOf(s.snapLo, s.snapHi);
  h.labelChunk = s.labelChain[0] ?? 0;
  h.chunkCount = s.chunkCount;
  h.extension = true;
}

/** The last mask made, kept: a BigInt per commit showed in strict-commit profiles, and the mask rarely changes. */
let lastLo = 0;
let lastHi = 0;
let lastMask = 0n;

function maskOf(lo: number, hi: number): bigint {
  if (lo !== lastLo || hi !== lastHi) {
    lastMask = toBigMask(lo, hi);
    lastLo = lo;
    lastHi = hi;
  }
  return lastMask;
}

/**
 * Whether the header sector a commit would write differs from the last one this store wrote, the
 * generation aside (header fields set without a block change, e.g. a delete's pause record, still
 * get their commit). Before the first commit after open nothing was written: always changed.
 */
function headerChanged(s: StoreState): boolean {
  updateHeader(s);
  const now = new Uint8Array(HEADER_BYTES);
  encodeHeader(s.hdr, now);
  const last = s.headerSector;
  for (let i = 0; i < HEADER_BYTES; i++) if (now[i] !== last[i]) return true;
  return false;
}

/** Rewrites the label chain into new chunks; the old chain is freed after this commit. */
function writeLabels(s: StoreState): void {
  for (const chunk of s.labelChain) s.tx.free(chunk, 'label');
  const groups = packLabels(s.labels.all(), s.chunkBytes);
  const chain = groups.map(() => s.tx.allocate('label'));
  const block = new Uint8Array(s.chunkBytes);
  groups.forEach((labels, k) => {
    encodeLabelBlock(labels, chain[k + 1] ?? 0, block);
    s.cow.write(chain[k]! * s.chunkBytes, block);
  });
  s.labelChain = chain;
  s.labelsDirty = false;
}
