/** The guided lessons, in teaching order. */
import type { Lesson } from '../lesson.ts';
import { cowOrigin } from './cow-origin.ts';
import { deleteSnapshot } from './delete-snapshot.ts';
import { grow } from './grow.ts';
import { leafSplit } from './leaf-split.ts';
import { merge } from './merge.ts';
import { sharedCopy } from './shared-copy.ts';
import { shrink } from './shrink.ts';
import { unshare } from './unshare.ts';

export const LESSONS: readonly Lesson[] = [cowOrigin, sharedCopy, unshare, leafSplit, deleteSnapshot, grow, shrink, merge];

export function lessonById(id: string): Lesson | undefined {
  return LESSONS.find((l) => l.id === id);
}
