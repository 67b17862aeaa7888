/** At open: walks the index nodes (not leaves) to learn node and leaf chunks, and reads the label chain. */
import { SnapscopeError } from '../../errors.ts';
import { decodeLabelBlock, type SnapshotLabel } from '../format/label.ts';
import { LabelTable } from '../labels.ts';
import type { StoreState } from './state.ts';

export function loadStructure(s: StoreState): void {
  const roles = s.tx.roles;
  const unmarked = (chunk: number, what: string, path: readonly number[]) => {
    if (!s.alloc.isUsed(chunk)) {
      throw new SnapscopeError('corrupt', `${s.cow.name}: ${what} chunk ${chunk} is in use but the bitmap marks it free (chunk ${chunk}, field bitmap)`, {
        device: s.cow.name,
        chunk,
        field: 'bitmap',
        path,
      });
    }
  };
  s.tree.forEachNode((node, depth, lo, hi) => {
    const path = s.tree.path.slice(0, depth + 1);
    for (let i = 1; i < node.count; i++) {
      const key = node.key(i);
      if (key <= lo || key >= hi) {
        throw new SnapscopeError('corrupt', `${s.cow.name}: B-tree node key ${key} at entry ${i} is outside its parent's range (${lo}, ${hi}) (chunk ${node.chunk}, entry ${i}, field key)`, {
          device: s.cow.name,
          chunk: node.chunk,
          entry: i,
          field: 'key',
          path,
        });
      }
    }
    if (roles.nodes.has(node.chunk) || roles.leaves.has(node.chunk)) {
      throw new SnapscopeError('corrupt', `${s.cow.name}: chunk ${node.chunk} is referenced twice in the B-tree (chunk ${node.chunk})`, { device: s.cow.name, chunk: node.chunk, path });
    }
    unmarked(node.chunk, 'B-tree node', path);
    roles.nodes.add(node.chunk);
    if (depth + 1 !== s.tree.levels) return;
    for (let i = 0; i < node.count; i++) {
      const leaf = node.child(i);
      if (roles.leaves.has(leaf) || roles.nodes.has(leaf)) {
        throw new SnapscopeError('corrupt', `${s.cow.name}: chunk ${leaf} is referenced twice in the B-tree (chunk ${node.chunk}, entry ${i})`, { device: s.cow.name, chunk: node.chunk, entry: i, path });
      }
      unmarked(leaf, 'B-tree leaf', [...path, leaf]);
      roles.leaves.add(leaf);
    }
  });
  const labels: SnapshotLabel[] = [];
  const block = new Uint8Array(s.chunkBytes);
  for (let chunk = s.hdr.labelChunk; chunk !== 0; ) {
    if (chunk < s.firstTreeChunk || chunk >= s.chunkCount || s.labelChain.includes(chunk) || s.labelChain.length > 64) {
      throw new SnapscopeError('corrupt', `${s.cow.name}: label chain points to chunk ${chunk} (chunk ${s.labelChain.at(-1) ?? 0}, field next)`, {
        device: s.cow.name,
        chunk: s.labelChain.at(-1) ?? 0,
        field: s.labelChain.length ? 'next' : 'label_chunk',
      });
    }
    unmarked(chunk, 'label', []);
    s.cow.read(chunk * s.chunkBytes, block);
    const decoded = decodeLabelBlock(block, chunk, s.cow.name);
    labels.push(...decoded.labels);
    s.labelChain.push(chunk);
    roles.labels.add(chunk);
    chunk = decoded.next;
  }
  s.labels = new LabelTable(labels.filter((l) => s.isActive(l.slot)));
}
