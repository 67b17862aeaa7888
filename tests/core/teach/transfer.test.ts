import { describe, expect, it } from 'vitest';
import { exportSession, importSession, lessonById, parseOp, TeachSession } from '../../../src-core/teach/index.ts';

describe('export and import', () => {
  it('a lesson exported mid-way and imported shows the same steps at the same position', () => {
    const s = TeachSession.forLesson(lessonById('unshare')!);
    s.apply(parseOp('write snapshot 0 9'));
    s.seek(s.last - 2);
    const file = JSON.parse(JSON.stringify(exportSession(s)));
    expect(file).toEqual({
      snapscopeTeach: 1,
      lesson: 'unshare',
      source: { kind: 'fresh', originChunks: 48, cowChunks: 128 },
      ops: ['create', 'create', 'write origin 4', 'write snapshot 1 4', 'write snapshot 1 4', 'write snapshot 0 9'],
      position: s.last - 2,
    });
    expect(JSON.stringify(file).length).toBeLessThan(400);
    const back = importSession(file);
    expect(back.position).toBe(s.position);
    expect(back.step).toEqual(s.step);
    expect(back.steps).toEqual(s.steps);
    expect(back.lesson?.id).toBe('unshare');
  });

  it('refuses what is not a lesson file, saying what is wrong', () => {
    expect(() => importSession([])).toThrow(/snapscopeTeach/);
    expect(() => importSession({ snapscopeTeach: 1, lesson: 'nope', source: { kind: 'fresh', originChunks: 48, cowChunks: 128 }, ops: [], position: 0 })).toThrow(/unknown lesson "nope"/);
    expect(() => importSession({ snapscopeTeach: 1, lesson: null, source: { kind: 'fresh', originChunks: 48, cowChunks: 128 }, ops: ['fly 3'], position: 0 })).toThrow(/unknown operation "fly"/);
    expect(() => importSession({ snapscopeTeach: 1, lesson: null, source: { kind: 'disk' }, ops: [], position: 0 })).toThrow(/source/);
  });
});
