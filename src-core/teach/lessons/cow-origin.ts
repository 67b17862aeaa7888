import type { Lesson } from '../lesson.ts';
import { op } from '../ops.ts';
import { chunks, copyFor, finalState } from './find.ts';

export const cowOrigin: Lesson = {
  id: 'cow-origin',
  title: 'Copy-on-write from the origin',
  summary: 'The first write to an origin chunk copies its old data for the snapshot; the second copies nothing.',
  intro:
    'A snapshot keeps showing the origin as it was when the snapshot was taken. The store keeps that promise by copying an origin chunk into the COW device just before the chunk is first overwritten. Watch the first write to origin chunk 5 find its place in the B-tree, copy the old data, record the copy, commit — and only then overwrite the origin. Then watch the second write to the same chunk: why does it copy nothing?',
  store: { originChunks: 48, cowChunks: 128 },
  ops: [op('create'), op('write origin 5'), op('write origin 5')],
  question: {
    prompt: 'Snapshot 0 still sees origin chunk 5 as it was (data “5:v0”). Point at the COW chunk it reads that data from — in a leaf or in the bitmap.',
    pick: 'copy',
    answer: (steps) => chunks(copyFor(finalState(steps), 5, [0])),
    right: (steps) => {
      const copy = copyFor(finalState(steps), 5, [0]);
      return `Right: COW chunk ${copy?.chunk} holds “5:v0”, and the leaf entry of origin chunk 5 points at it with share mask 0x1. The second write found that entry in the mask check, so it copied nothing.`;
    },
    hint: 'Look for the leaf entry of origin chunk 5: its copy is the chunk snapshot 0 reads.',
  },
};
