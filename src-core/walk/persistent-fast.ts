/**
 * The persistent walk's two fast loops, which take the ordinary entries of a piece of an area (all
 * but a few in any table) without naming any rule: each returns the index of the first entry it
 * did not take, for the judge (persistent-judge.ts) to name or record. Integer-only work, and no
 * call in the loop (with `repeats.push` in it, V8's code for the loop took twice as long): they run
 * once per exception.
 */
import type { TableSoFar } from './persistent-table.ts';

/**
 * While the table is in allocation order, over entries [j, count) of the piece in `w32` (le32
 * words: old_chunk low, high, new_chunk low, high): takes each entry while its new_chunk is the
 * one at its position (on the device) and its old_chunk is below 2^32, inside the bitmap of
 * values seen and not in it yet, storing old_chunk and marking that bitmap.
 */
export function takeInOrder(t: TableSoFar, w32: Uint32Array, j: number, count: number): number {
  const olds = t.olds;
  const seen = t.seen;
  const seenBits = t.seenBits;
  const first = t.exceptions - j;
  // allocatedChunk(first + j) is firstNew + j within one area; past the device it is the judge's to name.
  const firstNew = t.geo!.allocatedChunk(first);
  const end = Math.min(count, t.chunkCount - firstNew);
  const from = j;
  for (; j < end; j++) {
    const k = j << 2;
    const oldLo = w32[k]!;
    if ((w32[k + 1]! | w32[k + 3]!) !== 0 || w32[k + 2]! !== firstNew + j || oldLo >= seenBits) break;
    const sw = oldLo >>> 5;
    const sb = 1 << (oldLo & 31);
    const x = seen[sw]!;
    if ((x & sb) !== 0) break;
    seen[sw] = x | sb;
    olds[first + j] = oldLo;
  }
  if (j > from) {
    t.exceptions = first + j;
    t.accepted += j - from;
    t.maxChunk = Math.max(t.maxChunk, firstNew + j - 1);
  }
  return j;
}

/**
 * Once the table has left allocation order, over entries [j, count) of the piece in `w32`: takes
 * each entry while it is an ordinary exception (both chunks below 2^32, new_chunk a data chunk of
 * the device that no earlier entry uses, old_chunk inside the bitmap of values seen and not in it
 * yet), storing it and marking both bitmaps.
 */
export function takeOrdinary(t: TableSoFar, w32: Uint32Array, j: number, count: number): number {
  t.markUsed();
  const olds = t.olds;
  const news = t.news;
  const used = t.used.words;
  const seen = t.seen;
  const seenBits = t.seenBits;
  const chunkCount = t.chunkCount;
  const from = j;
  let n = t.exceptions;
  let maxChunk = t.maxChunk;
  for (; j < count; j++) {
    const k = j << 2;
    const oldLo = w32[k]!;
    const newLo = w32[k + 2]!;
    if ((w32[k + 1]! | w32[k + 3]!) !== 0 || newLo === 0 || newLo >= chunkCount || oldLo >= seenBits) break;
    const word = newLo >>> 5;
    const bit = 1 << (newLo & 31);
    const u = used[word]!;
    const sw = oldLo >>> 5;
    const sb = 1 << (oldLo & 31);
    const x = seen[sw]!;
    if ((u & bit) !== 0 || (x & sb) !== 0) break;
    used[word] = u | bit;
    seen[sw] = x | sb;
    olds[n] = oldLo;
    if (news !== null) news[n] = newLo;
    n++;
    if (newLo > maxChunk) maxChunk = newLo;
  }
  t.exceptions = n;
  t.usedMarked = n;
  t.accepted += j - from;
  t.maxChunk = maxChunk;
  return j;
}
