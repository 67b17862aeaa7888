import type { Lesson } from '../lesson.ts';
import { op } from '../ops.ts';
import { chunks, copyFor, finalState } from './find.ts';

export const sharedCopy: Lesson = {
  id: 'shared-copy',
  title: 'Snapshots share one copy',
  summary: 'One copy and a 64-bit share mask serve every snapshot that saw the same data.',
  intro:
    'One COW device serves up to 64 snapshots. When several snapshots still see the same old data, the store keeps one copy and a share mask with a bit per snapshot that reads it. Snapshots 0 and 1 exist when origin chunk 7 is first written, so one copy serves both. Snapshot 2 is taken after that write and sees the new data — so the next write to chunk 7 needs a second copy, just for snapshot 2.',
  store: { originChunks: 48, cowChunks: 128 },
  ops: [op('create'), op('create'), op('write origin 7'), op('create'), op('write origin 7')],
  question: {
    prompt: 'Point at the one copy that snapshots 0 and 1 share.',
    pick: 'copy',
    answer: (steps) => chunks(copyFor(finalState(steps), 7, [0, 1])),
    right: (steps) => {
      const state = finalState(steps);
      const shared = copyFor(state, 7, [0, 1]);
      const own = copyFor(state, 7, [2]);
      return `Right: COW chunk ${shared?.chunk} serves snapshots 0 and 1 (share mask 0x3) with “7:v0”. Snapshot 2 was created after the first write, so it got its own copy, chunk ${own?.chunk} (mask 0x4), holding “7:v1”.`;
    },
    hint: 'Origin chunk 7 has two copies now; the shared one has both snapshot 0 and snapshot 1 in its share mask.',
  },
};
