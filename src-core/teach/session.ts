/**
 * A teaching session: a source store, the operations run on it so far, and every step they made
 * with the state after it. Moving through steps only changes `position`; states are recorded, so
 * "Step back" shows exactly what was shown before. A session is its source plus its operations:
 * replaying them rebuilds every step (export and import rely on it).
 */
import { isSnapscopeError } from '../errors.ts';
import { StateCapture } from './capture.ts';
import { explain, explainBatch, explainStart } from './explain.ts';
import { focusOf } from './focus.ts';
import type { Lab } from './lab.ts';
import type { Lesson } from './lesson.ts';
import type { TeachOp } from './ops.ts';
import { record } from './recorder.ts';
import { openLab, type TeachSource } from './source.ts';
import { NO_FOCUS, type TeachState } from './state.ts';
import type { RawStep, Step } from './steps.ts';

export type ApplyResult = { ok: true } | { ok: false; error: string };

export class TeachSession {
  readonly steps: Step[] = [];
  readonly ops: TeachOp[] = [];
  /** opStart[i]: the first step of operation i. */
  readonly opStart: number[] = [];
  position = 0;
  private lab!: Lab;
  private capture!: StateCapture;

  constructor(
    readonly source: TeachSource,
    ops: readonly TeachOp[] = [],
    readonly lesson: Lesson | null = null,
  ) {
    this.replay(ops);
  }

  static forLesson(lesson: Lesson): TeachSession {
    return new TeachSession({ kind: 'fresh', ...lesson.store }, lesson.ops, lesson);
  }

  get step(): Step {
    return this.steps[this.position]!;
  }

  get last(): number {
    return this.steps.length - 1;
  }

  get chunkBytes(): number {
    return this.lab.store.chunkBytes;
  }

  get originChunks(): number {
    return this.lab.originChunks;
  }

  /** The step where the lesson's script ends (its question is about the state there), or -1. */
  get lessonEnd(): number {
    if (!this.lesson) return -1;
    const n = this.lesson.ops.length;
    return n === this.ops.length ? this.last : this.opStart[n]! - 1;
  }

  seek(index: number): void {
    this.position = Math.max(0, Math.min(this.last, Math.floor(index)));
  }

  forward(): boolean {
    if (this.position >= this.last) return false;
    this.position++;
    return true;
  }

  back(): boolean {
    if (this.position <= 0) return false;
    this.position--;
    return true;
  }

  /**
   * Runs `o` on the store as the last step left it (stepping back only reviews; it never forks the
   * history) and moves to the new operation's first step. On an error (no such snapshot, a full
   * COW) nothing changes.
   */
  apply(o: TeachOp): ApplyResult {
    try {
      this.run(o);
    } catch (e) {
      if (!isSnapscopeError(e)) throw e;
      // The engine refuses before changing anything, but a range may stop half-way: rebuild.
      this.replay(this.ops.slice());
      return { ok: false, error: e.message };
    }
    this.position = this.opStart[this.ops.length - 1]!;
    return { ok: true };
  }

  private replay(ops: readonly TeachOp[]): void {
    this.lab?.store.close();
    this.lab = openLab(this.source);
    this.capture = new StateCapture(this.lab.store, this.lab.cow, this.lab.origin);
    this.steps.length = 0;
    this.ops.length = 0;
    this.opStart.length = 0;
    const state = this.capture.capture();
    this.steps.push({ op: -1, kind: 'start', events: [], text: explainStart(state, this.source.kind === 'fresh' ? '' : this.source.label), state, focus: NO_FOCUS });
    for (const o of ops) this.run(o);
    this.position = Math.min(this.position, this.last);
  }

  private run(o: TeachOp): void {
    const raw = record(this.lab, this.capture, o);
    const index = this.ops.length;
    this.ops.push(o);
    this.opStart.push(this.steps.length);
    for (const r of raw) this.steps.push(this.finish(r, index, o));
  }

  private finish(r: RawStep, index: number, o: TeachOp): Step {
    const before: TeachState = this.steps[this.steps.length - 1]!.state;
    const first = this.steps.length === this.opStart[index];
    const base = { op: index, kind: r.kind, events: r.events, state: r.state };
    switch (r.kind) {
      case 'batch':
        return { ...base, events: [], text: explainBatch(o, r.events), focus: NO_FOCUS };
      case 'origin-write':
      case 'write-in-place': {
        const chunk = r.chunk!;
        const own = r.kind === 'write-in-place' && o.op === 'write-snapshot' ? ownCopy(r.state, chunk, o.slot) : null;
        const single = { ...o, chunk, to: chunk } as TeachOp;
        return {
          ...base,
          text: explain({ kind: r.kind, events: [], before, after: r.state, op: single, first, chunkBytes: this.chunkBytes }),
          focus: { ...NO_FOCUS, origins: [chunk], cells: own === null ? [] : [own], exceptions: own === null ? [] : [own], slot: o.op === 'write-snapshot' ? o.slot : null },
        };
      }
      default:
        return { ...base, text: explain({ kind: r.kind, events: r.events, before, after: r.state, op: o, first, chunkBytes: this.chunkBytes }), focus: focusOf(r.events, r.state, o) };
    }
  }
}

function ownCopy(state: TeachState, origin: number, slot: number): number | null {
  for (const b of state.tree.blocks) {
    if (b.kind !== 'leaf') continue;
    const copy = b.entries.find((e) => e.origin === origin)?.exceptions.find((x) => x.slots.includes(slot));
    if (copy) return copy.chunk;
  }
  return null;
}

