/**
 * Chunks freed in this transaction that the last commit still references: they stay marked in the
 * bitmap until the next commit is durable. A list (for the release at commit) plus a bitmap (for
 * membership), because a snapshot delete adds a million of them and a Set costs more than the
 * rest of the delete.
 */
export class PendingFrees implements Iterable<number> {
  private list: number[] = [];
  private bits: Uint8Array;

  constructor(chunkCount: number) {
    this.bits = new Uint8Array(Math.ceil(chunkCount / 8) + 1);
  }

  get size(): number {
    return this.list.length;
  }

  has(chunk: number): boolean {
    const byte = chunk >>> 3;
    return byte < this.bits.length && (this.bits[byte]! & (1 << (chunk & 7))) !== 0;
  }

  /** `chunk` is not pending already (the caller frees a chunk once). */
  add(chunk: number): void {
    const byte = chunk >>> 3;
    if (byte >= this.bits.length) {
      // The store's chunk count bounds every chunk; a larger one is a caller's bug, but keep the set exact.
      const grown = new Uint8Array(byte + 1);
      grown.set(this.bits);
      this.bits = grown;
    }
    this.bits[byte] = this.bits[byte]! | (1 << (chunk & 7));
    this.list.push(chunk);
  }

  [Symbol.iterator](): Iterator<number> {
    return this.list[Symbol.iterator]();
  }

  /** Empties the set, clearing only the bits it set. */
  clear(): void {
    const bits = this.bits;
    for (const c of this.list) bits[c >>> 3] = 0;
    this.list = [];
  }
}
