import type { Lesson } from '../lesson.ts';
import { op } from '../ops.ts';
import { chunks, copyFor, finalState } from './find.ts';

export const unshare: Lesson = {
  id: 'unshare',
  title: 'A write to a snapshot unshares',
  summary: 'Writing through a snapshot gives it a private copy and clears its bit in the shared one.',
  intro:
    'Snapshots can be written too (a writable snapshot, a test restore). Snapshot 1 shares its copy of origin chunk 4 with snapshot 0, so writing that copy in place would change what snapshot 0 sees. Watch the store give snapshot 1 a private copy first and clear its bit in the shared copy’s mask. Its second write then goes straight into the private copy.',
  store: { originChunks: 48, cowChunks: 128 },
  ops: [op('create'), op('create'), op('write origin 4'), op('write snapshot 1 4'), op('write snapshot 1 4')],
  question: {
    prompt: 'Point at the copy snapshot 1 reads now.',
    pick: 'copy',
    answer: (steps) => chunks(copyFor(finalState(steps), 4, [1])),
    right: (steps) => {
      const state = finalState(steps);
      const own = copyFor(state, 4, [1]);
      const old = copyFor(state, 4, [0]);
      return `Right: COW chunk ${own?.chunk} belongs to snapshot 1 alone (mask 0x2) and holds its write “4:s1”; the old copy, chunk ${old?.chunk}, now serves only snapshot 0 (mask 0x1).`;
    },
    hint: 'Origin chunk 4 has two copies; snapshot 1 reads the one whose share mask has only its bit.',
  },
};
