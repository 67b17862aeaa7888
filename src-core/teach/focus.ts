/** What a step points at, from its events: the path, blocks, bitmap cells and entries it touched. */
import type { StructuralEvent } from '../events.ts';
import type { TeachOp } from './ops.ts';
import { findOrigin, NO_FOCUS, type Focus, type TeachState } from './state.ts';

export function focusOf(events: readonly StructuralEvent[], state: TeachState, o: TeachOp | null): Focus {
  const f: Focus = { ...NO_FOCUS, path: [], blocks: [], cells: [], origins: [], exceptions: [] };
  const add = (list: number[], ...xs: number[]) => {
    for (const x of xs) if (!list.includes(x)) list.push(x);
  };
  if (o && o.op !== 'create') f.slot = o.op === 'write-origin' ? null : o.slot;
  for (const e of events) {
    switch (e.type) {
      case 'probe':
        f.path = [...e.path];
        add(f.origins, e.origin);
        break;
      case 'mask-check': {
        add(f.origins, e.origin);
        if (e.leaf !== undefined) add(f.blocks, e.leaf);
        const entry = findOrigin(state, e.origin)?.entry;
        for (const x of entry?.exceptions ?? []) add(f.exceptions, x.chunk);
        break;
      }
      case 'allocate':
      case 'free':
        add(f.cells, e.chunk);
        break;
      case 'shadow':
        add(f.blocks, e.to);
        add(f.cells, e.from, e.to);
        break;
      case 'copy-data':
        if (e.from === 'origin') add(f.origins, e.source);
        else add(f.cells, e.source);
        add(f.cells, e.to);
        break;
      case 'exception-add':
      case 'exception-unshare':
        add(f.blocks, e.leaf);
        add(f.origins, e.origin);
        add(f.exceptions, e.chunk);
        break;
      case 'exception-free':
        add(f.blocks, e.leaf);
        add(f.cells, e.chunk);
        break;
      case 'leaf-split':
        add(f.blocks, e.leaf, e.newLeaf);
        f.key = e.key;
        break;
      case 'node-split':
        add(f.blocks, e.node, e.newNode);
        f.key = e.key;
        break;
      case 'new-root':
      case 'level-drop':
        add(f.blocks, e.root);
        break;
      case 'leaf-merge':
      case 'node-merge':
        add(f.blocks, e.into);
        add(f.cells, e.from);
        break;
      case 'merge-origin-copy':
        add(f.origins, e.origin);
        add(f.cells, e.chunk);
        add(f.exceptions, e.chunk);
        break;
      case 'merge-copy-to-origin':
        for (let k = 0; k < e.count; k++) {
          add(f.origins, e.origin + k);
          add(f.cells, e.from + k);
        }
        break;
      case 'merge-clear':
        for (let k = 0; k < e.count; k++) add(f.origins, e.origin + k);
        break;
      case 'snapshot-create':
      case 'snapshot-delete':
        f.slot = e.slot;
        break;
      default:
        break;
    }
  }
  return f;
}
