import type { Lesson } from '../lesson.ts';
import { op } from '../ops.ts';
import { firstEvent } from './find.ts';

export const shrink: Lesson = {
  id: 'shrink',
  title: 'Dropping a level',
  summary: 'Deleting the only snapshot empties the leaves: they merge, and the root is dropped.',
  intro:
    'The reverse of growing. Snapshot 0 alone reads 321 copies spread over 32 leaves under two index nodes. Deleting it frees every copy: emptied leaves merge into their left neighbours, the two index nodes merge into one, and a root left with a single child is dropped. It is a long walk — use Play at a high speed, or jump along the timeline.',
  store: { originChunks: 360, cowChunks: 400 },
  ops: [op('create'), op('quiet write origin 0-320'), op('delete 0')],
  question: {
    prompt: 'Point at the root node after the level was dropped.',
    pick: 'node',
    answer: (steps) => {
      const drop = firstEvent(steps, 'level-drop');
      return drop ? [drop.root] : [];
    },
    right: (steps) => {
      const drop = firstEvent(steps, 'level-drop');
      return `Right: node ${drop?.root}, once one of the two index nodes, is the root now; the tree has ${(drop?.levels ?? 0) + 1} levels again.`;
    },
    hint: 'The root is the block at the top of the tree.',
  },
};
