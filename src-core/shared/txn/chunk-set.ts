/**
 * A set of chunk numbers over ChunkTable: the chunk roles. A strict commit adds and removes two of
 * each; a Set's deleted entries made it rehash (and collect) every few thousand commits, and its
 * adds showed in profiles. Same surface as the Set it replaces.
 */
import { ChunkTable } from './chunk-table.ts';

export class ChunkSet implements Iterable<number> {
  private readonly table = new ChunkTable<true>();

  get size(): number {
    return this.table.size;
  }

  has(chunk: number): boolean {
    return this.table.get(chunk) !== undefined;
  }

  add(chunk: number): void {
    this.table.set(chunk, true);
  }

  delete(chunk: number): boolean {
    return this.table.delete(chunk) !== undefined;
  }

  *[Symbol.iterator](): Iterator<number> {
    const t = this.table;
    for (let slot = 0; slot < t.slots; slot++) if (t.valueAt(slot) !== undefined) yield t.keyAt(slot);
  }
}
