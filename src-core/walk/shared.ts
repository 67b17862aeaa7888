/**
 * Checks a shared store: header, label chain, the B-tree (shared-walk.ts) and the bitmap against
 * every chunk the walk found referenced. Memory: one bit per chunk (resident only where a chunk
 * is referenced) plus one chunk buffer. The bitmap is read once whole (its count is the tree
 * phase's progress total), and again only where it marks a chunk.
 */
import { SnapscopeError, isSnapscopeError } from '../errors.ts';
import { SECTOR_BYTES, type BlockDevice } from '../io/block-device.ts';
import type { Task } from '../jobs/job.ts';
import type { Progress } from '../jobs/progress.ts';
import { FIRST_BITMAP_CHUNK, bitmapChunkCount, firstFreeChunk, testBit } from '../shared/format/bitmap.ts';
import { HEADER_BYTES, NO_MERGE_SLOT, SHARED_VERSION, decodeHeader, type SharedHeader } from '../shared/format/header.ts';
import { decodeLabelBlock, type SnapshotLabel } from '../shared/format/label.ts';
import { LITTLE_ENDIAN_HOST } from '../shared/format/le.ts';
import { MAX_LEVELS } from '../shared/format/node.ts';
import { maskHi, maskLo } from '../shared/mask.ts';
import { DELETING_FLAG, MAX_CHUNK_BYTES, MAX_ORIGIN_CHUNKS, MIN_CHUNK_BYTES, sharedChunkSizeProblem } from '../shared/store/limits.ts';
import { Bitset, popcount } from './bitset.ts';
import { FindingLog, type CheckReport } from './findings.ts';
import { TreeWalk, type SharedGeometry, type WalkVisitor } from './shared-tree.ts';

type Phase = 'count' | 'labels' | 'tree' | 'bitmap' | 'done';

export type WalkMode = 'strict' | 'tolerant';

export class SharedWalk implements Task<CheckReport> {
  readonly log: FindingLog;
  header: SharedHeader | null = null;
  geometry: SharedGeometry | null = null;
  /** Labels that decoded, for dump and stats. */
  readonly labels: SnapshotLabel[] = [];
  /** Chunks of the label chain that decoded. */
  readonly labelChunks: number[] = [];
  readonly refs: Bitset;
  walk: TreeWalk | null = null;
  /** The merge in progress the header records, when it names a live snapshot: dump and repair carry it. */
  merge: { slot: number; done: number; cursor: number } | null = null;
  /** The slot of a delete committed part-way (ext_flags), or null: dump and repair carry it. */
  deleting: number | null = null;
  private phase: Phase = 'count';
  /** Chunks the bitmap marks used (counted first): the tree phase's progress total. */
  private allocated = 0;
  /**
   * Bitmap chunks the count found all free: the bitmap check does not read them again (at the
   * format's limit a store holding little has 2^17 such, and the second read was 0.4-0.55 s).
   */
  private emptyBitmapChunks: Bitset = new Bitset(0);
  /** Whether `buf` holds only zeros (a skipped bitmap chunk's bytes). */
  private bufZero = false;
  private nextLabel = 0;
  private bitmapIndex = 0;
  private leakStart = -1;
  private readonly buf: Uint8Array;

  constructor(
    private readonly cow: BlockDevice,
    private readonly visitor: WalkVisitor = {},
    mode: WalkMode = 'tolerant',
  ) {
    this.log = new FindingLog(mode === 'strict' ? cow.name : null);
    if (cow.size < HEADER_BYTES) throw new SnapscopeError('not-a-store', `${cow.name} is too short for a shared store header`, { device: cow.name });
    const head = new Uint8Array(HEADER_BYTES);
    cow.read(0, head);
    this.refs = new Bitset(0);
    this.buf = new Uint8Array(0);
    try {
      this.header = decodeHeader(head, cow.name);
    } catch (e) {
      if (!isSnapscopeError(e) || e.code !== 'corrupt') throw e;
      // Strict: thrown with the log's full location (the codec's own suffix dropped).
      const message = this.log.strict ? e.message.replace(/ \(chunk \d+[^)]*\)$/, '') : e.message;
      this.log.add('s-header-corrupt', 0, message, e.where.field === undefined ? {} : { found: e.where.field, field: e.where.field });
      this.phase = 'done';
      return;
    }
    const h = this.header;
    if (!h.valid) this.log.add('s-header-invalid', 0, 'the store is marked invalid', { field: 'valid', expected: 1, found: 0 });
    if (h.version !== SHARED_VERSION) this.log.add('s-header-version', 0, `unknown version ${h.version}`, { field: 'version', expected: SHARED_VERSION, found: h.version });
    if (!h.checksumOk) this.log.add('s-header-checksum', 0, 'the header extension checksum does not match its fields', { field: 'checksum' });
    if (h.mergeSlot !== NO_MERGE_SLOT) {
      const live = h.mergeSlot < 64 && ((h.snapmask >> BigInt(h.mergeSlot)) & 1n) === 1n;
      if (live && h.mergeCursor <= MAX_ORIGIN_CHUNKS) this.merge = { slot: h.mergeSlot, done: h.mergeDone, cursor: h.mergeCursor };
      else this.log.add('s-header-merge', 0, `the merge record (slot ${h.mergeSlot}, cursor ${h.mergeCursor}) names no live snapshot or a cursor past 2^32`, { field: 'merge_slot', expected: 'a slot in the snapmask, cursor <= 2^32', found: h.mergeSlot });
    }
    if ((h.extFlags & DELETING_FLAG) !== 0) {
      this.deleting = h.extFlags & 63;
      this.log.add('s-delete-in-progress', 0, `snapshot ${this.deleting} was being deleted when the store was last written; run snapshot delete ${this.deleting} to finish`, { found: this.deleting });
    }
    // The engine's limits, so a store check passes is one the engine opens.
    const s = h.chunkSectors;
    const chunkBytes = s * SECTOR_BYTES;
    const sizeProblem = sharedChunkSizeProblem(chunkBytes);
    if (sizeProblem) {
      this.log.add('s-header-chunk-size', 0, `chunk size ${s} sectors (${chunkBytes} bytes) ${sizeProblem}`, { field: 'chunk_size', expected: `${MIN_CHUNK_BYTES}..${MAX_CHUNK_BYTES} bytes`, found: s });
      this.phase = 'done';
      return;
    }
    const deviceChunks = Math.floor(cow.size / chunkBytes);
    // The extension records the store's size: a device grown later keeps its tail out of the store.
    let chunkCount = deviceChunks;
    if (h.extension && h.chunkCount > deviceChunks) {
      this.log.add('s-header-chunk-count', 0, `the store has ${h.chunkCount} chunks but the device holds only ${deviceChunks} (truncated?)`, { field: 'chunk_count', expected: `<= ${deviceChunks}`, found: h.chunkCount });
    } else if (h.extension) chunkCount = h.chunkCount;
    // Chunk numbers are 32-bit in the engine's tables (format refuses such devices too).
    if (chunkCount >= 2 ** 32) {
      this.log.add('s-header-chunk-count', 0, `the store has ${chunkCount} chunks; at most 2^32 - 1 are supported`, { field: 'chunk_count', expected: '< 2^32', found: chunkCount });
      this.phase = 'done';
      return;
    }
    const firstFree = firstFreeChunk(chunkCount, chunkBytes);
    if (chunkCount < firstFree + 2) {
      this.log.add('s-header-chunk-size', 0, `the device (${chunkCount} chunks of ${chunkBytes} bytes) cannot hold the header, bitmap and a tree`, { field: 'chunk_size', expected: `>= ${firstFree + 2} chunks`, found: chunkCount });
      this.phase = 'done';
      return;
    }
    this.geometry = { chunkBytes, chunkCount, firstFree, snapLo: maskLo(h.snapmask), snapHi: maskHi(h.snapmask) };
    this.refs = new Bitset(chunkCount);
    this.refs.setRange(0, firstFree);
    this.buf = new Uint8Array(chunkBytes);
    this.emptyBitmapChunks = new Bitset(bitmapChunkCount(chunkCount, chunkBytes));
    this.nextLabel = h.extension ? h.labelChunk : 0;
    if (h.treeLevel < 1 || h.treeLevel > MAX_LEVELS) {
      this.log.add('s-header-levels', 0, `tree_level ${h.treeLevel} is outside 1..${MAX_LEVELS}`, { field: 'tree_level', expected: `1..${MAX_LEVELS}`, found: h.treeLevel });
    } else {
      this.walk = new TreeWalk(cow, this.geometry, this.log, this.refs, h.treeLevel, h.rootChunk, visitor, this.merge);
    }
  }

  step(): boolean {
    if (this.phase === 'count') this.countStep();
    else if (this.phase === 'labels') this.labelStep();
    else if (this.phase === 'tree') {
      if (this.walk && !this.walk.done) this.walk.step();
      else this.phase = 'bitmap';
    } else if (this.phase === 'bitmap') this.bitmapStep();
    return this.finished();
  }

  private finished(): boolean {
    return this.phase === 'done';
  }

  progress(): Progress {
    const g = this.geometry;
    const bitmapChunks = g ? bitmapChunkCount(g.chunkCount, g.chunkBytes) : 0;
    if (this.phase === 'count') return { phase: 'count bitmap', done: this.bitmapIndex, total: bitmapChunks, unit: 'bitmap chunks' };
    if (this.phase === 'bitmap' || this.phase === 'done') return { phase: 'check bitmap', done: this.bitmapIndex, total: bitmapChunks, unit: 'bitmap chunks' };
    // Every chunk the walk claims should be one the bitmap marks, so those are the total (a
    // damaged bitmap may mark fewer: the total then grows with what was found).
    const w = this.walk;
    const claimed = g ? g.firstFree + this.labelChunks.length + (w ? w.nodes + w.leaves + w.exceptions : 0) : 0;
    return { phase: 'check tree', done: claimed, total: Math.max(this.allocated, claimed), unit: 'chunks', current: `${w?.exceptions ?? 0} exceptions` };
  }

  result(): CheckReport {
    return this.log.report({
      format: 'shared',
      device: this.cow.name,
      chunkBytes: this.geometry?.chunkBytes ?? 0,
      chunkCount: this.geometry?.chunkCount ?? 0,
      blocks: (this.walk?.nodes ?? 0) + (this.walk?.leaves ?? 0),
      exceptions: this.walk?.exceptions ?? 0,
    });
  }

  /** One bitmap chunk's used bits (those past the device end are not chunks). */
  private countStep(): void {
    const g = this.geometry!;
    const n = bitmapChunkCount(g.chunkCount, g.chunkBytes);
    const b = this.bitmapIndex++;
    this.cow.read((FIRST_BITMAP_CHUNK + b) * g.chunkBytes, this.buf);
    const bitsHere = Math.min(g.chunkBytes * 8, g.chunkCount - b * g.chunkBytes * 8);
    const used = popcount(this.buf, bitsHere);
    this.allocated += used;
    // (Bits past the device end are looked at by the check: the tail chunk is read again.)
    if (used === 0 && b < n - 1) this.emptyBitmapChunks.set(b);
    if (this.bitmapIndex < n) return;
    this.bitmapIndex = 0;
    this.phase = 'labels';
  }

  /** One label block; at the chain's end, labels against the snapmask. */
  private labelStep(): void {
    const g = this.geometry!;
    const chunk = this.nextLabel;
    const from = this.labelChunks.length ? this.labelChunks[this.labelChunks.length - 1]! : 0;
    const field = from === 0 ? 'label_chunk' : 'next';
    this.nextLabel = 0;
    if (chunk === 0) return this.labelsDone();
    let bad = '';
    if (!(chunk < g.chunkCount)) bad = 's-chunk-out-of-range';
    else if (chunk < g.firstFree) bad = 's-chunk-reserved';
    else if (this.refs.testAndSet(chunk)) bad = 's-chunk-duplicate';
    if (bad === 's-chunk-out-of-range' || bad === 's-chunk-reserved' || bad === 's-chunk-duplicate') {
      this.log.add(bad, from, `${field} points to chunk ${chunk}, which is ${bad === 's-chunk-duplicate' ? 'already referenced' : bad === 's-chunk-reserved' ? 'a header or bitmap chunk' : 'past the end of the device'}`, { field, found: chunk });
      return this.labelsDone();
    }
    this.cow.read(chunk * g.chunkBytes, this.buf);
    try {
      // Strict: a bad name fails the block (below); tolerant: the block's other labels are kept.
      const skipBadName = this.log.strict
        ? undefined
        : (entry: number, slot: number) => this.log.add('s-label-corrupt', chunk, `slot ${slot}: the name is not UTF-8`, { entry, field: 'entry.name', found: slot });
      const block = decodeLabelBlock(this.buf, chunk, this.cow.name, skipBadName);
      this.labelChunks.push(chunk);
      block.labels.forEach((l, i) => this.addLabel(chunk, i, l));
      this.nextLabel = block.next;
    } catch (e) {
      // The codec's message ends in its own location; the log adds the full one.
      if (isSnapscopeError(e)) this.log.add('s-label-corrupt', chunk, e.message.replace(/ \(chunk \d+[^)]*\)$/, ''), { ...(e.where.entry === undefined ? {} : { entry: e.where.entry }), ...(e.where.field === undefined ? {} : { field: e.where.field }) });
      else throw e;
    }
    if (this.nextLabel === 0) this.labelsDone();
  }

  private addLabel(chunk: number, entry: number, label: SnapshotLabel): void {
    const h = this.header!;
    if (this.labels.some((l) => l.slot === label.slot)) {
      this.log.add('s-label-duplicate', chunk, `slot ${label.slot} already has a label`, { entry, field: 'entry.slot', found: label.slot });
      return;
    }
    if (((h.snapmask >> BigInt(label.slot)) & 1n) === 0n) {
      this.log.add('s-label-orphan', chunk, `label '${label.name}' is for slot ${label.slot}, which is not in the snapmask`, { entry, found: label.slot });
      return;
    }
    this.labels.push(label);
  }

  private labelsDone(): void {
    const h = this.header!;
    if (h.extension) {
      for (let slot = 0; slot < 64; slot++) {
        if (((h.snapmask >> BigInt(slot)) & 1n) === 0n || this.labels.some((l) => l.slot === slot)) continue;
        this.log.add('s-label-missing', h.labelChunk, `snapshot slot ${slot} is in the snapmask but has no label`, { found: slot });
      }
    }
    this.phase = 'tree';
  }

  /** One bitmap chunk against the referenced set. */
  private bitmapStep(): void {
    const g = this.geometry!;
    const n = bitmapChunkCount(g.chunkCount, g.chunkBytes);
    if (this.bitmapIndex >= n) {
      this.flushLeak(g.chunkCount);
      this.phase = 'done';
      return;
    }
    const b = this.bitmapIndex++;
    if (!this.emptyBitmapChunks.has(b)) {
      this.cow.read((FIRST_BITMAP_CHUNK + b) * g.chunkBytes, this.buf);
      this.bufZero = false;
    } else if (!this.bufZero) {
      this.buf.fill(0);
      this.bufZero = true;
    }
    const base = b * g.chunkBytes * 8;
    // A word by word pass over the words wholly inside the device: where the bitmap word equals
    // the referenced one (nearly all) or marks only unreferenced chunks, no bit needs a look (a
    // bit at a time was 19 s at the format's 2^32 chunks).
    const marked = new Uint32Array(this.buf.buffer, this.buf.byteOffset, g.chunkBytes >>> 2);
    const refs = this.refs.words;
    const firstWord = base >>> 5;
    // (A word's bit j is chunk 32w + j only on a little-endian host; elsewhere every bit is looked at.)
    const whole = LITTLE_ENDIAN_HOST ? Math.min(marked.length, Math.floor((g.chunkCount - base) / 32)) : 0;
    // A chunk the count found all free, where no chunk was referenced: every word matches.
    const blank = this.bufZero && this.refs.blank(firstWord, firstWord + whole);
    if (blank && whole > 0) this.flushLeak(base);
    for (let w = blank ? whole : 0; w < whole; w++) {
      const m = marked[w]!;
      const u = refs[firstWord + w]!;
      if (m === u) {
        if (this.leakStart >= 0) this.flushLeak(base + w * 32);
      } else if ((m & ~u) === -1) {
        if (this.leakStart < 0) this.leakStart = base + w * 32;
      } else this.bitsStep(b, w * 32, w * 32 + 32);
    }
    this.bitsStep(b, whole * 32, g.chunkBytes * 8);
    this.visitor.bitmap?.(b, this.buf);
  }

  /** Bits [from, to) of bitmap chunk `b` (in `buf`), one at a time. */
  private bitsStep(b: number, from: number, to: number): void {
    const g = this.geometry!;
    const base = b * g.chunkBytes * 8;
    let pastEnd = -1;
    for (let i = from; i < to; i++) {
      const c = base + i;
      const marked = testBit(this.buf, i);
      if (c >= g.chunkCount) {
        if (!marked && pastEnd < 0) pastEnd = c;
        continue;
      }
      const used = this.refs.has(c);
      if (marked && !used) {
        if (this.leakStart < 0) this.leakStart = c;
        continue;
      }
      this.flushLeak(c);
      if (used && !marked) this.log.add('s-bitmap-free', c, `chunk ${c} is in use but free in the bitmap`, { field: 'bitmap', expected: 'used', found: 'free' });
    }
    if (pastEnd >= 0) this.log.add('s-bitmap-past-end', FIRST_BITMAP_CHUNK + b, `bits from chunk ${pastEnd} on lie past the end of the device but are free`, { field: 'bitmap', expected: 'used', found: `free from ${pastEnd}` });
  }

  private flushLeak(end: number): void {
    if (this.leakStart < 0) return;
    const n = end - this.leakStart;
    const what = n === 1 ? `chunk ${this.leakStart} is` : `${n} chunks ${this.leakStart}..${end - 1} are`;
    this.log.add('s-bitmap-leak', this.leakStart, `${what} marked used but referenced by nothing`, { expected: 'free', found: `${n} used` });
    this.leakStart = -1;
  }
}
