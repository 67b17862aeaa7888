/**
 * The invariant walker: key order and bounds through the tree, share masks (non-empty, within the
 * snapmask, disjoint within one origin's list), no chunk referenced twice, and the bitmap marking
 * exactly the referenced chunks plus the frees pending until the next commit.
 */
import type { BitmapAllocator } from './alloc/bitmap-allocator.ts';
import type { ExceptionTree } from './btree/tree.ts';
import { EXCEPTION_BYTES } from './format/leaf.ts';
import type { Transaction } from './txn/transaction.ts';

export interface VerifyInput {
  tree: ExceptionTree;
  tx: Transaction;
  alloc: BitmapAllocator;
  chunkCount: number;
  firstTreeChunk: number;
  snapLo: number;
  snapHi: number;
  labelChain: readonly number[];
}

export interface VerifyResult {
  problems: string[];
  /** Chunks marked used that nothing references and no pending free explains. */
  leaked: number[];
}

export function verifyStore(v: VerifyInput): VerifyResult {
  const problems: string[] = [];
  const leaked: number[] = [];
  const owner = new Map<number, string>();
  const claim = (chunk: number, what: string) => {
    const prev = owner.get(chunk);
    if (prev !== undefined) problems.push(`chunk ${chunk} is used twice: ${prev} and ${what}`);
    else owner.set(chunk, what);
  };
  for (let c = 0; c < v.firstTreeChunk; c++) claim(c, c === 0 ? 'header' : 'bitmap');
  for (const c of v.labelChain) claim(c, 'label');
  const nodes = new Set<number>();
  const leaves = new Set<number>();
  try {
    walk(v.tree.root, 0, 0, Infinity);
  } catch (e) {
    problems.push(`tree walk failed: ${(e as Error).message}`);
  }

  function walk(chunk: number, depth: number, lo: number, hi: number): void {
    if (depth === v.tree.levels) {
      claim(chunk, `leaf`);
      leaves.add(chunk);
      const leaf = v.tx.readLeaf(chunk, [], 0);
      for (let i = 0; i < leaf.count; i++) {
        const origin = leaf.origin(i);
        if (origin < lo || origin >= hi) problems.push(`leaf ${chunk}: origin ${origin} outside its key range [${lo}, ${hi})`);
        let seenLo = 0;
        let seenHi = 0;
        for (let e = leaf.listStart(i); e < leaf.listStart(i + 1); e += EXCEPTION_BYTES) {
          const sLo = leaf.shareLo(e);
          const sHi = leaf.shareHi(e);
          if ((sLo & seenLo) !== 0 || (sHi & seenHi) !== 0) problems.push(`leaf ${chunk}: origin ${origin} has two exceptions for one snapshot`);
          if ((sLo & ~v.snapLo) !== 0 || (sHi & ~v.snapHi) !== 0) problems.push(`leaf ${chunk}: origin ${origin} shares with an inactive slot`);
          if (sLo === 0 && sHi === 0) problems.push(`leaf ${chunk}: origin ${origin} has an exception with no snapshot`);
          seenLo |= sLo;
          seenHi |= sHi;
          claim(leaf.exceptionChunk(e), `exception of origin ${origin}`);
        }
      }
      return;
    }
    claim(chunk, 'node');
    nodes.add(chunk);
    const node = v.tx.readNode(chunk, [], 0);
    const count = node.count;
    for (let i = 0; i < count; i++) {
      const key = i === 0 ? lo : node.key(i);
      const next = i + 1 < count ? node.key(i + 1) : hi;
      if (i > 0 && (key <= lo || key >= hi)) problems.push(`node ${chunk}: key ${key} at entry ${i} outside (${lo}, ${hi})`);
      walk(v.tx.readNode(chunk, [], 0).child(i), depth + 1, key, next);
    }
  }

  for (const c of nodes) if (!v.tx.roles.nodes.has(c)) problems.push(`node ${c} missing from the role map`);
  for (const c of leaves) if (!v.tx.roles.leaves.has(c)) problems.push(`leaf ${c} missing from the role map`);
  if (v.tx.roles.nodes.size !== nodes.size || v.tx.roles.leaves.size !== leaves.size) {
    problems.push(`role map holds ${v.tx.roles.nodes.size} nodes / ${v.tx.roles.leaves.size} leaves, the tree ${nodes.size} / ${leaves.size}`);
  }
  for (let c = 0; c < v.chunkCount; c++) {
    const used = v.alloc.isUsed(c);
    const referenced = owner.has(c);
    const pending = v.tx.roles.pendingFree.has(c);
    if (referenced && !used) problems.push(`chunk ${c} (${owner.get(c)}) is referenced but marked free`);
    if (referenced && pending) problems.push(`chunk ${c} (${owner.get(c)}) is referenced but pending free`);
    if (used && !referenced && !pending) leaked.push(c);
  }
  return { problems, leaked };
}
