/** A guided lesson: a short script of operations, an intro, and a question answered by pointing. */
import type { TeachOp } from './ops.ts';
import type { Step } from './steps.ts';

export interface FreshStore {
  originChunks: number;
  cowChunks: number;
}

export interface Question {
  prompt: string;
  /** What the learner points at: a copy (a COW chunk in a leaf or the bitmap), a leaf, or a node. */
  pick: 'copy' | 'leaf' | 'node';
  /** The accepted COW chunks, found in the steps the real engine produced for the script. */
  answer(steps: readonly Step[]): number[];
  /** Said after a right answer: why it is right, with the numbers of this run. */
  right(steps: readonly Step[]): string;
  /** Said after a wrong one: where to look. */
  hint: string;
}

export interface Lesson {
  id: string;
  title: string;
  /** One line for the lesson picker. */
  summary: string;
  /** What to watch for, shown before the first step. */
  intro: string;
  store: FreshStore;
  ops: TeachOp[];
  question: Question;
}
