/**
 * The copy-on-write rules: an origin write first gives every active snapshot without a copy one
 * shared exception; a snapshot write goes to an exception of its own, unsharing it first.
 */
import { SECTOR_BYTES, type BlockDevice } from '../../io/block-device.ts';
import { EXCEPTION_BYTES } from '../format/leaf.ts';
import { slotBit, toBigMask } from '../mask.ts';
import { commit } from './commit.ts';
import { checkListRoom, checkNotDeleting, checkNotMerging, checkOriginChunk, checkSnapshot, checkSpan, checkWritable, reserveInsert } from './guards.ts';
import type { StoreState } from './state.ts';

/**
 * The origin rule without the origin write (the kernel's prepare_exception): when some active
 * snapshots have no exception for `chunk`, adds one shared by exactly those snapshots, copying
 * the origin chunk into it when `origin` is given (benchmarks pass none: metadata only). Returns
 * whether an exception was added; the origin may be written only after the next commit.
 */
export function prepareOriginWrite(s: StoreState, chunk: number, origin?: BlockDevice): boolean {
  checkWritable(s);
  checkNotMerging(s, 'write the origin');
  checkOriginChunk(s, chunk, origin);
  const activeLo = s.snapLo;
  const activeHi = s.snapHi;
  if (activeLo === 0 && activeHi === 0) return false;
  const leaf = s.tree.probe(chunk);
  const i = leaf.find(chunk);
  let usingLo = 0;
  let usingHi = 0;
  let n = 0;
  if (i >= 0) {
    const end = leaf.listStart(i + 1);
    for (let e = leaf.listStart(i); e < end; e += EXCEPTION_BYTES) {
      usingLo |= leaf.shareLo(e);
      usingHi |= leaf.shareHi(e);
      n++;
    }
  }
  const needLo = (activeLo & ~usingLo) >>> 0;
  const needHi = (activeHi & ~usingHi) >>> 0;
  s.events?.({
    type: 'mask-check',
    rule: 'origin',
    origin: chunk,
    leaf: leaf.chunk,
    using: toBigMask(usingLo, usingHi),
    active: toBigMask(activeLo, activeHi),
    need: toBigMask(needLo, needHi),
  });
  if (needLo === 0 && needHi === 0) return false;
  checkListRoom(s, chunk, n);
  reserveInsert(s);
  const to = s.tx.allocate('exception');
  if (origin) {
    origin.read(chunk * s.chunkBytes, s.scratch);
    s.cow.write(to * s.chunkBytes, s.scratch);
    s.events?.({ type: 'copy-data', from: 'origin', source: chunk, to });
  }
  s.tree.addProbed(chunk, needLo, needHi, to, i);
  s.counts.add(needLo, needHi);
  s.tx.trim();
  return true;
}

/**
 * Copy-on-write, then write `data` at byte `offset` of origin chunk `chunk`. The origin write
 * waits for a commit of everything before it (the protecting copy, and any other uncommitted
 * operation), so a crash never keeps it while losing an earlier operation. Flushed at the next commit.
 */
export function writeOrigin(s: StoreState, origin: BlockDevice, chunk: number, data: Uint8Array, offset: number): void {
  checkSpan(s, data, offset);
  prepareOriginWrite(s, chunk, origin);
  if (s.uncommitted) commit(s);
  s.originsWritten.add(origin);
  origin.write(chunk * s.chunkBytes + offset, data);
}

/**
 * Writes through snapshot `slot`: in place when its exception is its own; otherwise into a new
 * exception for it alone holding its current data (the shared exception, else the origin chunk)
 * with `data` applied, clearing its bit in the shared one. Durable at the next commit.
 *
 * "Its own" is decided by the in-memory leaf, but an in-place write reaches the disk at once: into
 * an exception the last commit references, it would show through every snapshot that commit
 * shares it with (an unshare or delete not yet committed), and it would be on disk while earlier
 * uncommitted operations are not. So such a write first commits what is pending; then memory and
 * disk agree on who shares the exception. Exceptions allocated since the commit are written freely.
 */
export function writeSnapshot(s: StoreState, origin: BlockDevice, slot: number, chunk: number, data: Uint8Array, offset: number): void {
  checkWritable(s);
  checkSnapshot(s, slot);
  checkNotMerging(s, `write snapshot ${slot}`, slot);
  checkNotDeleting(s, `write snapshot ${slot}`, slot);
  checkSpan(s, data, offset);
  checkOriginChunk(s, chunk, origin);
  const bit = slotBit(slot);
  const high = slot >= 32;
  const leaf = s.tree.probe(chunk);
  const i = leaf.find(chunk);
  let own = -1;
  let ownLo = 0;
  let ownHi = 0;
  let n = 0;
  let usingLo = 0;
  let usingHi = 0;
  if (i >= 0) {
    const end = leaf.listStart(i + 1);
    for (let e = leaf.listStart(i); e < end; e += EXCEPTION_BYTES) {
      n++;
      const lo = leaf.shareLo(e);
      const hi = leaf.shareHi(e);
      usingLo |= lo;
      usingHi |= hi;
      if (((high ? hi : lo) & bit) !== 0) {
        own = leaf.exceptionChunk(e);
        ownLo = lo;
        ownHi = hi;
      }
    }
  }
  const alone = own >= 0 && (high ? ownLo === 0 && ownHi === bit : ownHi === 0 && ownLo === bit);
  s.events?.({
    type: 'mask-check',
    rule: 'snapshot-write',
    slot,
    origin: chunk,
    leaf: leaf.chunk,
    using: toBigMask(usingLo, usingHi),
    active: toBigMask(s.snapLo, s.snapHi),
    need: alone ? 0n : toBigMask(high ? 0 : bit, high ? bit : 0),
  });
  if (alone) {
    if (!s.tx.isFresh(own) && s.uncommitted) commit(s);
    // Whole sectors, as a block layer would: a power loss then tears at a sector boundary only.
    const from = Math.floor(offset / SECTOR_BYTES) * SECTOR_BYTES;
    const to = Math.ceil((offset + data.length) / SECTOR_BYTES) * SECTOR_BYTES;
    const span = s.scratch.subarray(from, to);
    s.cow.read(own * s.chunkBytes + from, span);
    span.set(data, offset - from);
    s.cow.write(own * s.chunkBytes + from, span);
    return;
  }
  checkListRoom(s, chunk, n);
  reserveInsert(s);
  const buf = s.scratch;
  if (own >= 0) s.cow.read(own * s.chunkBytes, buf);
  else origin.read(chunk * s.chunkBytes, buf);
  buf.set(data, offset);
  const to = s.tx.allocate('exception');
  s.cow.write(to * s.chunkBytes, buf);
  s.events?.({ type: 'copy-data', from: own >= 0 ? 'cow' : 'origin', source: own >= 0 ? own : chunk, to });
  if (own >= 0) {
    const w = s.tree.shadowPath(chunk);
    const wi = w.find(chunk);
    for (let e = w.listStart(wi); e < w.listStart(wi + 1); e += EXCEPTION_BYTES) {
      if (w.exceptionChunk(e) !== own) continue;
      const lo = high ? ownLo : (ownLo & ~bit) >>> 0;
      const hi = high ? (ownHi & ~bit) >>> 0 : ownHi;
      w.setShare(e, lo, hi);
      s.counts.change(ownLo, ownHi, lo, hi);
      s.events?.({ type: 'exception-unshare', origin: chunk, chunk: own, share: toBigMask(lo, hi), leaf: w.chunk });
    }
  }
  // The unshare above shadowed the path; else the probe's path is still the one to change.
  if (own >= 0) s.tree.addException(chunk, high ? 0 : bit, high ? bit : 0, to);
  else s.tree.addProbed(chunk, high ? 0 : bit, high ? bit : 0, to, i);
  s.counts.add(high ? 0 : bit, high ? bit : 0);
  s.tx.trim();
}
