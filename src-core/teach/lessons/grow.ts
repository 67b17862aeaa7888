import type { Lesson } from '../lesson.ts';
import { op } from '../ops.ts';
import { firstEvent } from './find.ts';

export const grow: Lesson = {
  id: 'grow',
  title: 'The tree grows a level',
  summary: 'A leaf split fills the root: the root splits and a new root grows on top.',
  intro:
    'A leaf split adds a key to its parent node, and with 512-byte chunks a node holds at most 31 children. After 320 writes (run in one go) the root points at 31 leaves. Watch write 321: the leaf splits, the full root splits too, and a new root grows on top. Growing at the root is the only way the tree gets deeper, so every leaf stays at the same depth.',
  store: { originChunks: 360, cowChunks: 400 },
  ops: [op('create'), op('quiet write origin 0-319'), op('write origin 320')],
  question: {
    prompt: 'Point at the new root node.',
    pick: 'node',
    answer: (steps) => {
      const root = firstEvent(steps, 'new-root');
      return root ? [root.root] : [];
    },
    right: (steps) => {
      const root = firstEvent(steps, 'new-root');
      const split = firstEvent(steps, 'node-split');
      return `Right: node ${root?.root} is the new root. Below it are the two halves of the old root, nodes ${split?.node} and ${split?.newNode}, split at key ${split?.key}.`;
    },
    hint: 'The root is the block at the top of the tree.',
  },
};
