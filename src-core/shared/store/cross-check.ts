/**
 * Opening for write: the bitmap must mark every chunk the committed tree and labels reference, or
 * the allocator would hand out live data and other snapshots would read other data. One raw walk
 * of the tree (the checker's TreeWalk: 5M exceptions in well under a second) proves it. A damaged
 * tree or a live chunk marked free refuses the open, pointing to `repair`; chunks marked but
 * referenced by nothing (what a crash leaves) become allocatable again, in memory only.
 */
import { Bitset } from '../../check/bitset.ts';
import { FindingLog } from '../../check/findings.ts';
import { TreeWalk } from '../../check/shared-walk.ts';
import { SnapscopeError } from '../../errors.ts';
import type { StoreState } from './state.ts';

export function crossCheckForWrite(s: StoreState): void {
  const dev = s.cow.name;
  const refs = new Bitset(s.chunkCount);
  refs.setRange(0, s.firstTreeChunk);
  for (const chunk of s.labelChain) refs.set(chunk);
  const log = new FindingLog();
  const geometry = { chunkBytes: s.chunkBytes, chunkCount: s.chunkCount, firstFree: s.firstTreeChunk, snapLo: s.snapLo, snapHi: s.snapHi };
  const walk = new TreeWalk(s.cow, geometry, log, refs, s.hdr.treeLevel, s.hdr.rootChunk);
  while (!walk.done) walk.step();
  const first = log.findings.find((f) => f.severity === 'error');
  if (first) {
    throw new SnapscopeError(
      'corrupt',
      `${dev}: cannot open for writing: ${first.message} (chunk ${first.chunk}${first.entry === undefined ? '' : `, entry ${first.entry}`})${log.errors > 1 ? `, and ${log.errors - 1} more problems` : ''}; run check for the list and repair to fix it`,
      { device: dev, chunk: first.chunk },
    );
  }
  const bits = s.alloc.bits;
  const dv = new DataView(bits.buffer, bits.byteOffset, bits.length);
  const words = Math.ceil(s.chunkCount / 32);
  for (let w = 0; w < words; w++) {
    const marked = dv.getUint32(w * 4, true);
    const used = refs.words[w]!;
    if (marked === used) continue;
    const unmarked = used & ~marked;
    if (unmarked !== 0) {
      const chunk = w * 32 + 31 - Math.clz32(unmarked & -unmarked);
      throw new SnapscopeError(
        'corrupt',
        `${dev}: cannot open for writing: chunk ${chunk} is in use but free in the bitmap, so a write would allocate live data; run repair to rebuild the bitmap (chunk ${chunk}, field bitmap)`,
        { device: dev, chunk, field: 'bitmap' },
      );
    }
    let leaked = marked & ~used;
    while (leaked !== 0) {
      const bit = 31 - Math.clz32(leaked & -leaked);
      const chunk = w * 32 + bit;
      if (chunk < s.chunkCount) s.alloc.reclaimLeak(chunk);
      leaked &= ~(1 << bit);
    }
  }
}
