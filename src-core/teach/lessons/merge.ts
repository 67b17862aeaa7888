import type { Lesson } from '../lesson.ts';
import { op } from '../ops.ts';
import { chunks, copyFor, finalState } from './find.ts';

export const merge: Lesson = {
  id: 'merge',
  title: 'Merging a snapshot',
  summary: 'Roll the origin back to a snapshot: copy for the others first, then copy onto the origin, then clear.',
  intro:
    'Merging snapshot 0 makes the origin what snapshot 0 sees: its copies are written back onto the origin, and the snapshot goes away. But snapshot 1, taken later, still reads the origin as it is now — so before the merge overwrites an origin chunk, snapshot 1 gets a copy of it. The merge goes batch by batch (two chunks here): copy for the others, commit, copy onto the origin, clear and commit.',
  store: { originChunks: 48, cowChunks: 128 },
  ops: [op('create'), op('write origin 3-5'), op('create'), op('write snapshot 0 4'), op('merge 0')],
  question: {
    prompt: 'After the merge, snapshot 1 still sees origin chunk 4 as it was before it (“4:v1”). Point at the copy it reads.',
    pick: 'copy',
    answer: (steps) => chunks(copyFor(finalState(steps), 4, [1])),
    right: (steps) => {
      const state = finalState(steps);
      const copy = copyFor(state, 4, [1]);
      return `Right: COW chunk ${copy?.chunk} got the origin’s data “4:v1” just before the merge overwrote origin chunk 4 with snapshot 0’s “${state.origin[4]}”.`;
    },
    hint: 'Snapshot 0 is gone; the copies left are snapshot 1’s.',
  },
};
