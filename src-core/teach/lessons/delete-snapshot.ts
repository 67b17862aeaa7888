import type { Lesson } from '../lesson.ts';
import { op } from '../ops.ts';
import { chunks, copyFor, finalState } from './find.ts';

export const deleteSnapshot: Lesson = {
  id: 'delete-snapshot',
  title: 'Deleting a snapshot',
  summary: 'Clear the bits, free what nobody reads, merge the emptied leaf.',
  intro:
    'Deleting a snapshot is more than dropping its name: every copy it reads loses its bit in the share mask, and a copy nobody reads any more goes back to the allocator. Snapshots 0 and 1 share copies of origin chunks 0–9; snapshot 1 alone owns copies of chunks 10–29, which filled a second leaf. Watch the delete of snapshot 1 clear the bits, free its private copies, and merge the emptied leaf into its neighbour.',
  store: { originChunks: 48, cowChunks: 128 },
  ops: [op('create'), op('create'), op('quiet write origin 0-9'), op('quiet write snapshot 1 10-29'), op('delete 1')],
  question: {
    prompt: 'Snapshot 0 still needs its copy of origin chunk 3. Point at it.',
    pick: 'copy',
    answer: (steps) => chunks(copyFor(finalState(steps), 3, [0])),
    right: (steps) => {
      const copy = copyFor(finalState(steps), 3, [0]);
      return `Right: COW chunk ${copy?.chunk} survived the delete — its share mask went from 0x3 to 0x1. The copies only snapshot 1 read were freed, and the leaf they filled was merged away.`;
    },
    hint: 'Only one leaf is left; find origin chunk 3 in it.',
  },
};
