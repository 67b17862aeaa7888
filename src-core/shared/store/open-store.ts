/**
 * Opens a shared store through the one walker (walk/shared.ts): strict by default, so the first
 * error check would report is the open's error, naming structure, chunk, entry, field and path —
 * what open accepts is exactly what check finds no error in. With `tolerateDamage` the walk is
 * tolerant: the store opens read-only with the blocks the walk could vouch for, and reads that
 * need any other block fail naming it (a damaged store's info and snapshot list still work).
 */
import { isSnapscopeError, SnapscopeError } from '../../errors.ts';
import type { BlockDevice } from '../../io/block-device.ts';
import { runToEnd } from '../../jobs/job.ts';
import { FINDING_KINDS, type FindingKind } from '../../walk/kinds.ts';
import { SharedWalk } from '../../walk/shared.ts';
import { BitmapAllocator } from '../alloc/bitmap-allocator.ts';
import { bitmapChunkCount } from '../format/bitmap.ts';
import { LabelTable } from '../labels.ts';
import type { SharedOpenOptions } from '../types.ts';
import { DEFAULT_CACHE_BYTES, DELETING_FLAG } from './limits.ts';
import { ExceptionCounts } from './counters.ts';
import { StoreState } from './state.ts';
import { BlockBuffers } from '../txn/block-buffers.ts';
import { makeBlock } from '../txn/block-cache.ts';

/** Error kinds that lose tree blocks or exceptions (the others: header fields, labels, bitmap). */
const TREE_KINDS: readonly FindingKind[] = Object.keys(FINDING_KINDS).filter((k) => /^s-(chunk|node|leaf|share|merge-below|header-levels)/.test(k)) as FindingKind[];

export function openStore(cow: BlockDevice, opts: SharedOpenOptions): StoreState {
  const tolerant = opts.tolerateDamage === true;
  const nodes: number[] = [];
  const leaves: number[] = [];
  // Copies of the blocks the walk read, up to the cache's size: the first operations (a merge's
  // plan and scans, lookups) find them in memory instead of reading each again.
  const cacheBytes = opts.cacheBytes ?? DEFAULT_CACHE_BYTES;
  const warm: { chunk: number; bytes: Uint8Array }[] = [];
  let buffers: BlockBuffers | null = null;
  let alloc = null as BitmapAllocator | null;
  let loaded = 0;
  // The walk sees every exception it accepts: info's counts come from it (a damaged store: what is provable).
  const counts = new ExceptionCounts();
  counts.begin();
  const walk = new SharedWalk(
    cow,
    {
      // Only blocks with nothing wrong in them: a read needing any other block cannot be proven.
      block: (chunk, kind, _level, _used, _capacity, clean, view) => {
        if (!clean) return;
        (kind === 'node' ? nodes : leaves).push(chunk);
        if ((warm.length + 1) * view.bytes.length > cacheBytes) return;
        buffers ??= new BlockBuffers(view.bytes.length);
        const bytes = buffers.take();
        bytes.set(view.bytes);
        warm.push({ chunk, bytes });
      },
      exception: (_origin, _chunk, lo, hi) => counts.add(lo, hi),
      // The walk reads the whole bitmap to check it: the allocator takes it from there.
      bitmap: (index, bytes) => {
        const g = walk.geometry!;
        alloc ??= new BitmapAllocator(null, g.chunkCount, g.chunkBytes, cow.name);
        alloc.load(index, bytes);
        loaded++;
      },
    },
    tolerant ? 'tolerant' : 'strict',
  );
  let report;
  try {
    report = runToEnd(walk);
  } catch (e) {
    // A write into a damaged store could allocate live data: say how to get out.
    if (!isSnapscopeError(e) || e.code !== 'corrupt' || opts.write !== true) throw e;
    throw new SnapscopeError('corrupt', `cannot open for writing: ${e.message}; run snapscope check for every problem and snapscope repair to fix them`, e.where);
  }
  const h = walk.header;
  const g = walk.geometry;
  if (!h || !g) {
    // Not even the header and geometry decode: nothing to show.
    const f = report.findings.find((x) => x.severity === 'error')!;
    throw new SnapscopeError('corrupt', `${cow.name}: ${f.message} (chunk ${f.chunk}) [${f.kind}]`, { device: cow.name, chunk: f.chunk });
  }
  const cb = g.chunkBytes;
  // Every walk that decodes the geometry checks the whole bitmap.
  if (alloc === null || loaded !== bitmapChunkCount(g.chunkCount, cb)) throw new Error(`${cow.name}: the walk did not hand over the whole bitmap`);
  const notes: string[] = [];
  if (!h.valid) notes.push('the store is marked invalid (valid = 0): opened read-only');
  if ((h.extFlags & DELETING_FLAG) !== 0) {
    notes.push(`snapshot slot ${h.extFlags & 63} was being deleted when the store was last written: its data is incomplete; delete it again to finish`);
  }
  const damaged = report.errors > 0;
  if (damaged) notes.push(`tree damaged: ${report.errors} error${report.errors === 1 ? '' : 's'} and ${report.warnings} warning${report.warnings === 1 ? '' : 's'} found, run snapscope check (opened read-only)`);
  const readOnly = opts.write !== true || !h.valid || cow.readOnly || damaged;
  // Chunks marked but referenced by nothing (what a crash leaves) become allocatable, in memory only.
  if (!readOnly) alloc.keepOnly(walk.refs.words);
  const s = new StoreState({ cow, header: h, chunkBytes: cb, chunkCount: g.chunkCount, alloc, readOnly, events: opts.events, cacheBytes });
  s.notes.push(...notes);
  const first = report.findings.find((f) => f.severity === 'error');
  s.damage = damaged ? { errors: report.errors, warnings: report.warnings, first: first ? `${first.message} (chunk ${first.chunk}) [${first.kind}]` : '', tree: TREE_KINDS.some((k) => (report.byKind[k] ?? 0) > 0) } : null;
  s.force = opts.force === true;
  for (const c of nodes) s.tx.roles.nodes.add(c);
  for (const c of leaves) s.tx.roles.leaves.add(c);
  for (const c of walk.labelChunks) s.tx.roles.labels.add(c);
  s.labelChain.push(...walk.labelChunks);
  // After the roles: a cached block is one the walk vouched for (txn/transaction.ts).
  for (const w of warm) s.tx.cache.put(makeBlock(w.chunk, w.bytes));
  s.labels = new LabelTable(walk.labels);
  s.counts.begin();
  s.counts.total.set(counts.total);
  s.counts.unique.set(counts.unique);
  s.counts.exceptions = counts.exceptions;
  return s;
}
