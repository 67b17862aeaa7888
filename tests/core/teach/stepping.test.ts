import { describe, expect, it } from 'vitest';
import { MemoryDevice } from '../../../src-core/io/memory-device.ts';
import { SharedStore } from '../../../src-core/shared/index.ts';
import { LESSONS, lessonById, parseOp, TeachSession, type TeachState } from '../../../src-core/teach/index.ts';

const view = (s: TeachSession) => structuredClone({ position: s.position, step: s.step });

describe('step back is a true reverse', () => {
  it.each(LESSONS.map((l) => [l.id, l] as const))('%s: back N then forward N shows the identical view, for every N', (_, lesson) => {
    const s = TeachSession.forLesson(lesson);
    s.seek(s.last);
    const at = view(s);
    for (let n = 1; n <= s.last; n += Math.max(1, Math.floor(s.last / 7))) {
      for (let i = 0; i < n; i++) expect(s.back()).toBe(true);
      expect(s.position).toBe(s.last - n);
      for (let i = 0; i < n; i++) expect(s.forward()).toBe(true);
      expect(view(s)).toEqual(at);
    }
  });

  it('going back lands on exactly what was shown going forward, step by step', () => {
    const s = TeachSession.forLesson(lessonById('unshare')!);
    const shown = [view(s)];
    while (s.forward()) shown.push(view(s));
    expect(s.forward()).toBe(false);
    for (let i = shown.length - 1; i >= 0; i--) {
      expect(view(s)).toEqual(shown[i]);
      s.back();
    }
    expect(s.back()).toBe(false);
  });
});

describe('recorded states are the engine’s state', () => {
  /** What the store holds on disk after `ops`: the tree and roles read back from a reopened copy. */
  function committed(ops: string[]): TeachState {
    const s = new TeachSession({ kind: 'fresh', originChunks: 48, cowChunks: 128 }, ops.map(parseOp));
    return s.steps.at(-1)!.state;
  }

  it('the last state of each operation equals a replay of the operations up to it', () => {
    const ops = ['create', 'create', 'quiet write origin 0-15', 'write snapshot 1 3', 'write origin 16-22', 'create', 'write snapshot 2 20', 'delete 0', 'write origin 30', 'delete 1'];
    const s = new TeachSession({ kind: 'fresh', originChunks: 48, cowChunks: 128 }, ops.map(parseOp));
    for (let k = 0; k < ops.length; k++) {
      const end = (s.opStart[k + 1] ?? s.steps.length) - 1;
      expect(s.steps[end]!.state, `after "${ops[k]}"`).toEqual(committed(ops.slice(0, k + 1)));
    }
  });

  it('after a commit the captured tree is what a fresh open of the same bytes reads', () => {
    const s = new TeachSession({ kind: 'fresh', originChunks: 48, cowChunks: 128 }, ['create', 'quiet write origin 0-25', 'create', 'write snapshot 1 2', 'delete 0'].map(parseOp));
    const last = s.steps.at(-1)!;
    expect(last.kind).toBe('commit');
    const bytes = (s as unknown as { lab: { cow: { inner: MemoryDevice } } }).lab.cow.inner.bytes.slice();
    const reopened = SharedStore.open(new MemoryDevice(bytes));
    // Chunks this commit freed are still marked on disk (the next commit's bitmap clears them).
    expect(reopened.verify().problems).toEqual([]);
    const leaves = last.state.tree.blocks.filter((b) => b.kind === 'leaf');
    expect(leaves.map((l) => l.chunk)).toEqual(leaves.map((l) => reopened.readLeaf(l.chunk).chunk));
    const exceptions: [number, number, number[]][] = [];
    reopened.forEachException((o, c, share) => exceptions.push([o, c, [0, 1].filter((b) => (share >> BigInt(b)) & 1n)]));
    expect(leaves.flatMap((l) => l.entries.flatMap((e) => e.exceptions.map((x) => [e.origin, x.chunk, x.slots])))).toEqual(exceptions);
  });

  it('every state lists each block once, and every child it names', () => {
    for (const lesson of LESSONS) {
      for (const step of TeachSession.forLesson(lesson).steps) {
        const chunks = step.state.tree.blocks.map((b) => b.chunk);
        expect(new Set(chunks).size, `${lesson.id} ${step.kind}`).toBe(chunks.length);
        for (const b of step.state.tree.blocks) if (b.kind === 'node') for (const c of b.children) expect(chunks).toContain(c);
      }
    }
  });

  it('mid-operation states show split halves beside their sibling until the parent links them', () => {
    const s = TeachSession.forLesson(lessonById('leaf-split')!);
    const split = s.steps.find((x) => x.kind === 'leaf-split')!;
    const e = split.events.find((x) => x.type === 'leaf-split')!;
    if (e.type !== 'leaf-split') throw new Error('no split');
    expect(split.state.tree.detached).toEqual([{ chunk: e.newLeaf, beside: e.leaf }]);
    const next = s.steps[s.steps.indexOf(split) + 1]!;
    expect(next.state.tree.detached).toEqual([]);
    const root = next.state.tree.blocks[0]!;
    expect(root.kind === 'node' && root.children).toEqual([e.leaf, e.newLeaf]);
  });
});

describe('operations the learner types', () => {
  it('run on the store as the last step left it, wherever the learner is looking, and show their first step', () => {
    const s = TeachSession.forLesson(lessonById('shared-copy')!);
    const lessonEnd = s.last;
    s.seek(3);
    expect(s.apply(parseOp('write origin 8'))).toEqual({ ok: true });
    expect(s.ops.map((o) => o.op)).toEqual(['create', 'create', 'write-origin', 'create', 'write-origin', 'write-origin']);
    expect(s.position).toBe(lessonEnd + 1);
    expect(s.step.kind).toBe('probe');
    expect(s.step.text).toContain('origin chunk 8');
    expect(s.lessonEnd).toBe(lessonEnd);
  });

  it('an operation the engine refuses changes nothing and says why', () => {
    const s = TeachSession.forLesson(lessonById('cow-origin')!);
    const before = structuredClone(s.steps);
    expect(s.apply(parseOp('delete 7'))).toEqual({ ok: false, error: expect.stringContaining('no snapshot in slot 7') });
    expect(s.apply(parseOp('write origin 99'))).toEqual({ ok: false, error: expect.stringContaining('past the end') });
    expect(s.apply(parseOp('merge 5'))).toEqual({ ok: false, error: expect.stringContaining('no snapshot in slot 5') });
    expect(s.steps).toEqual(before);
  });

  it('a write with no snapshot just overwrites the origin', () => {
    const s = new TeachSession({ kind: 'fresh', originChunks: 48, cowChunks: 128 }, [parseOp('write origin 3')]);
    expect(s.steps.map((x) => x.kind)).toEqual(['start', 'origin-write']);
    expect(s.steps[1]!.text).toContain('No snapshot exists');
    expect(s.steps[1]!.state.origin[3]).toBe('3:v1');
  });
});
