import type { ChunkRole } from '../../events.ts';
import { ChunkSet } from './chunk-set.ts';
import { PendingFrees } from './pending-frees.ts';

/**
 * Which chunks the current (in-memory) metadata uses as nodes, leaves and labels, and which
 * chunks wait for the next commit to become free. Everything else the bitmap marks is exception
 * data. All four are paged bitmaps (chunk-set.ts): memory follows the chunks they hold.
 */
export class ChunkRoles {
  readonly nodes = new ChunkSet();
  readonly leaves = new ChunkSet();
  readonly labels = new ChunkSet();
  readonly pendingFree = new PendingFrees();

  add(chunk: number, role: ChunkRole): void {
    this.setOf(role)?.add(chunk);
  }

  remove(chunk: number, role: ChunkRole): void {
    this.setOf(role)?.delete(chunk);
  }

  private setOf(role: ChunkRole): ChunkSet | null {
    if (role === 'node') return this.nodes;
    if (role === 'leaf') return this.leaves;
    if (role === 'label') return this.labels;
    return null;
  }
}
