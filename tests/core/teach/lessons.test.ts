import { describe, expect, it } from 'vitest';
import { checkAnswer, LESSONS, lessonById, TeachSession, type StepKind } from '../../../src-core/teach/index.ts';

const kinds = (s: TeachSession) => s.steps.map((x) => x.kind);

/** Run-length form, so long lessons read as a shape: 'shadow×3'. */
function shape(list: readonly StepKind[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < list.length; ) {
    let j = i;
    while (list[j + 1] === list[i]) j++;
    out.push(j > i ? `${list[i]}×${j - i + 1}` : list[i]!);
    i = j + 1;
  }
  return out;
}

const WRITE_NEW_COPY: StepKind[] = ['probe', 'mask-check', 'allocate', 'copy-data', 'shadow', 'shadow', 'exception-add', 'commit', 'origin-write'];
const CREATE: StepKind[] = ['snapshot-create', 'commit'];

describe('each lesson script gives the step kinds of the real engine', () => {
  it('copy-on-write from the origin: the second write finds the copy and copies nothing', () => {
    const s = TeachSession.forLesson(lessonById('cow-origin')!);
    expect(kinds(s)).toEqual(['start', ...CREATE, ...WRITE_NEW_COPY, 'probe', 'mask-check', 'origin-write']);
  });

  it('snapshots share one copy: a later snapshot needs a second copy', () => {
    const s = TeachSession.forLesson(lessonById('shared-copy')!);
    expect(kinds(s)).toEqual(['start', ...CREATE, ...CREATE, ...WRITE_NEW_COPY, ...CREATE, ...WRITE_NEW_COPY]);
  });

  it('a write to a snapshot unshares, then writes in place', () => {
    const s = TeachSession.forLesson(lessonById('unshare')!);
    expect(kinds(s)).toEqual([
      'start',
      ...CREATE,
      ...CREATE,
      ...WRITE_NEW_COPY,
      ...['probe', 'mask-check', 'allocate', 'copy-data', 'shadow', 'shadow', 'unshare', 'exception-add', 'commit'],
      ...['probe', 'mask-check', 'write-in-place'],
    ]);
  });

  it('when a leaf is full it splits before the insert', () => {
    const s = TeachSession.forLesson(lessonById('leaf-split')!);
    expect(kinds(s)).toEqual(['start', ...CREATE, 'batch', 'probe', 'mask-check', 'allocate', 'copy-data', 'shadow', 'shadow', 'leaf-split', 'exception-add', 'commit', 'origin-write']);
  });

  it('deleting a snapshot clears bits, frees copies and merges the emptied leaf', () => {
    const s = TeachSession.forLesson(lessonById('delete-snapshot')!);
    expect(kinds(s)).toEqual([
      'start',
      ...CREATE,
      ...CREATE,
      'batch',
      'batch',
      ...['shadow', 'clear-bits', 'shadow', 'shadow', 'free-chunks', 'leaf-merge', 'snapshot-delete', 'commit'],
    ]);
  });

  it('the tree grows a level: leaf split, node split, new root', () => {
    const s = TeachSession.forLesson(lessonById('grow')!);
    expect(kinds(s)).toEqual(['start', ...CREATE, 'batch', 'probe', 'mask-check', 'allocate', 'copy-data', 'shadow', 'shadow', 'leaf-split', 'node-split', 'new-root', 'exception-add', 'commit', 'origin-write']);
    expect(s.step.state.tree.levels).toBe(1);
    expect(s.steps.at(-1)!.state.tree.levels).toBe(2);
  });

  it('merging a snapshot: per batch, copies for the others, a commit, the copy onto the origin, the clear and a commit', () => {
    const s = TeachSession.forLesson(lessonById('merge')!);
    const batch = ['probe', 'allocate', 'shadow×2', 'exception-add', 'merge-copy-others', 'commit', 'merge-to-origin', 'shadow', 'free-chunks', 'shadow', 'merge-clear', 'commit'];
    // The first batch commits once more before its first origin write: the record stops saying "origin untouched".
    const first = batch.map((k, i) => (k === 'commit' && i === batch.indexOf('commit') ? 'commit×2' : k));
    expect(shape(kinds(s).slice(s.opStart[4]))).toEqual(['commit', ...first, ...batch, 'snapshot-delete', 'commit']);
    const end = s.steps.at(-1)!.state;
    expect(end.snapshots.map((x) => x.slot)).toEqual([1]);
    expect(end.origin.slice(3, 6)).toEqual(['3:v0', '4:s0', '5:v0']);
  });

  it('dropping a level: every leaf freed and merged, the index nodes merged, the root dropped', () => {
    const s = TeachSession.forLesson(lessonById('shrink')!);
    const delete0 = shape(kinds(s).slice(s.opStart[2]));
    // Depth first: a node's leaves are all cleared, then merged, before the walk moves on.
    expect(delete0.slice(0, 2)).toEqual(['shadow', 'free-chunks']);
    expect(delete0).toContain('leaf-merge×14');
    expect(delete0.slice(-5)).toEqual(['leaf-merge×16', 'node-merge', 'level-drop', 'snapshot-delete', 'commit']);
    expect(kinds(s).filter((k) => k === 'free-chunks')).toHaveLength(32);
    expect(s.steps.at(-1)!.state.tree.levels).toBe(1);
  });
});

describe('lessons', () => {
  it.each(LESSONS.map((l) => [l.id, l] as const))('%s: its question has an answer the learner can point at, and a wrong pick gets a hint', (_, lesson) => {
    const s = TeachSession.forLesson(lesson);
    expect(s.lessonEnd).toBe(s.last);
    const answer = lesson.question.answer(s.steps);
    expect(answer.length).toBeGreaterThan(0);
    const end = s.steps[s.lessonEnd]!.state;
    for (const chunk of answer) {
      expect(end.cells[chunk], `chunk ${chunk} is visible at the end`).toMatch(lesson.question.pick === 'copy' ? /E/ : lesson.question.pick === 'leaf' ? /L/ : /N/);
      const verdict = checkAnswer(s, chunk)!;
      expect(verdict.correct).toBe(true);
      expect(verdict.message).toMatch(new RegExp(`\\b${chunk}\\b`));
    }
    const wrong = checkAnswer(s, 0)!;
    expect(wrong.correct).toBe(false);
    expect(wrong.message).toContain('chunk 0 is the header');
    expect(wrong.message).toContain(lesson.question.hint);
  });

  it('every step explains itself with its own numbers', () => {
    for (const lesson of LESSONS) {
      const s = TeachSession.forLesson(lesson);
      for (const step of s.steps) {
        expect(step.text, `${lesson.id} ${step.kind}`).toMatch(/\d/);
        expect(step.text).not.toMatch(/undefined|NaN|\?\b/);
        expect(step.text.split(/(?<=[.!?])\s+(?=[A-Z])/).length, step.text).toBeLessThanOrEqual(2);
      }
    }
  });

  it('the question stays about the lesson’s end when the learner goes on', () => {
    const s = TeachSession.forLesson(lessonById('cow-origin')!);
    const end = s.last;
    expect(s.apply({ op: 'delete', slot: 0 }).ok).toBe(true);
    expect(s.lessonEnd).toBe(end);
    expect(checkAnswer(s, lessonById('cow-origin')!.question.answer(s.steps.slice(0, end + 1))[0]!)?.correct).toBe(true);
  });
});
