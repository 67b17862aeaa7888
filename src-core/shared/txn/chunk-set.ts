/**
 * A set of chunk numbers as a bitmap (a bit per chunk up to the highest added): the chunk roles
 * and the transaction's fresh chunks.
 * Every shadow adds its new chunk and removes its old one; in a hash table that was two probes
 * into tables of every node or leaf, which a commit's block writes had pushed out of the CPU
 * cache. A bit is one word, and the bitmap is an eighth of a byte per chunk (the allocation
 * bitmap's size at most). Same surface as the Set it replaced; iteration is in chunk order.
 */

const MIN_WORDS = 64;

export class ChunkSet implements Iterable<number> {
  private words = new Int32Array(MIN_WORDS);
  size = 0;
  /**
   * Chunks added since the last clear, the first `listed` entries, while few (-1 once too many
   * to list): clear then zeroes just their words instead of the bitmap (the fresh set empties at
   * every commit, usually holding a handful of chunks).
   */
  private readonly added: number[] = [];
  private listed = 0;

  has(chunk: number): boolean {
    const w = chunk >>> 5;
    return w < this.words.length && (this.words[w]! & (1 << (chunk & 31))) !== 0;
  }

  add(chunk: number): void {
    const w = chunk >>> 5;
    if (w >= this.words.length) this.grow(w);
    const bit = 1 << (chunk & 31);
    const word = this.words[w]!;
    if ((word & bit) !== 0) return;
    this.words[w] = word | bit;
    this.size++;
    const listed = this.listed;
    if (listed < 0) return;
    if (listed < this.words.length >>> 3) this.added[this.listed++] = chunk;
    else this.listed = -1;
  }

  delete(chunk: number): boolean {
    const w = chunk >>> 5;
    const bit = 1 << (chunk & 31);
    if (w >= this.words.length || (this.words[w]! & bit) === 0) return false;
    this.words[w] = this.words[w]! & ~bit;
    this.size--;
    return true;
  }

  clear(): void {
    const words = this.words;
    if (this.listed < 0) words.fill(0);
    // A set bit is a chunk added since the last clear, and every such chunk is listed.
    else for (let k = 0; k < this.listed; k++) words[this.added[k]! >>> 5] = 0;
    this.listed = 0;
    this.size = 0;
  }

  *[Symbol.iterator](): Iterator<number> {
    const words = this.words;
    for (let w = 0; w < words.length; w++) {
      for (let m = words[w]!; m !== 0; m &= m - 1) yield w * 32 + (31 - Math.clz32(m & -m));
    }
  }

  /** Room for word `w`, doubling (a store's metadata spreads over the device as it grows). */
  private grow(w: number): void {
    const grown = new Int32Array(Math.max(w + 1, this.words.length * 2));
    grown.set(this.words);
    this.words = grown;
  }
}
