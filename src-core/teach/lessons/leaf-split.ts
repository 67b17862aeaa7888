import type { Lesson } from '../lesson.ts';
import { op } from '../ops.ts';
import { firstEvent } from './find.ts';

export const leafSplit: Lesson = {
  id: 'leaf-split',
  title: 'When a leaf is full',
  summary: 'The 21st copy does not fit a 512-byte leaf: it splits and a key goes up into the root.',
  intro:
    'Exceptions live in B-tree leaves, one chunk each. With 512-byte chunks a leaf has room for 20 origin chunks with one copy each. The first 20 writes run in one go and fill the only leaf. Watch write number 21 find no room: the leaf splits in two, its upper half moves to a new leaf, and a key goes up into the root node so lookups find the right half.',
  store: { originChunks: 48, cowChunks: 128 },
  ops: [op('create'), op('quiet write origin 0-19'), op('write origin 20')],
  question: {
    prompt: 'Point at the new leaf that took the upper half.',
    pick: 'leaf',
    answer: (steps) => {
      const split = firstEvent(steps, 'leaf-split');
      return split ? [split.newLeaf] : [];
    },
    right: (steps) => {
      const split = firstEvent(steps, 'leaf-split');
      return `Right: leaf ${split?.newLeaf} took origin chunks ${split?.key} and up (then chunk 20 went into it too); the key ${split?.key} in the root node now sends every lookup of chunk ${split?.key} or above to it.`;
    },
    hint: 'There are two leaves now; the new one holds the higher origin chunks.',
  },
};
