import type { ChunkRole } from '../../events.ts';

/**
 * Which chunks the current (in-memory) metadata uses as nodes, leaves and labels, and which
 * chunks wait for the next commit to become free. Everything else the bitmap marks is exception
 * data. Kept as sets: metadata is a small fraction of a store.
 */
export class ChunkRoles {
  readonly nodes = new Set<number>();
  readonly leaves = new Set<number>();
  readonly labels = new Set<number>();
  readonly pendingFree = new Set<number>();

  add(chunk: number, role: ChunkRole): void {
    this.setOf(role)?.add(chunk);
  }

  remove(chunk: number, role: ChunkRole): void {
    this.setOf(role)?.delete(chunk);
  }

  private setOf(role: ChunkRole): Set<number> | null {
    if (role === 'node') return this.nodes;
    if (role === 'leaf') return this.leaves;
    if (role === 'label') return this.labels;
    return null;
  }
}
