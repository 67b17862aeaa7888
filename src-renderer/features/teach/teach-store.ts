/**
 * The teach view's own state: the session the teaching engine recorded (the engine runs in a
 * worker, see engine/protocol.ts) and the player around it. Kept out of the app store: it needs
 * no client, and leaving the view drops it (export keeps a lesson). Steps are recorded, so the
 * player moves through them here without asking the engine.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { CellCode, TeachFile, Verdict } from '../../../src-core/teach/index.ts';
import type { LessonInfo, SessionView, StartFrom, TeachEngine, TeachReply, TeachRequest } from './engine/protocol.ts';

export const SPEEDS = [0.5, 1, 2, 4, 8] as const;
/** Milliseconds a step stays on screen at 1×. */
export const STEP_MS = 1400;

export interface TeachUi {
  /** Null until the engine has recorded the first session. */
  session: SessionView | null;
  /** The lessons to pick from, and what each kind of COW chunk is called (from the engine). */
  lessons: LessonInfo[];
  cellRoles: Record<CellCode, string> | null;
  position: number;
  /** Bumped when steps are added or the session is replaced. */
  revision: number;
  playing: boolean;
  speed: number;
  verdict: Verdict | null;
  /** A chunk the learner pointed at outside a question, and what it is. */
  selected: { chunk: number; text: string } | null;
  /** The last operation or import that failed, in words. */
  error: string | null;
  /** The chunk pointed at as an answer, shown green or red until the step changes. */
  pointed: number | null;
  /** What the operation buttons act on; the strip marks the origin chunk once the learner picked one. */
  originChunk: number;
  originPicked: boolean;
  slot: number;

  /** Starts the engine and the first lesson; returns what stops it. */
  connect(): () => void;
  startLesson(id: string): void;
  startFree(): void;
  startFromDump(label: string, dump: string): void;
  /** Resolves to whether the operation ran (its error is in `error` otherwise). */
  run(text: string): Promise<boolean>;
  seek(index: number): void;
  forward(): void;
  back(): void;
  play(): void;
  pause(): void;
  setSpeed(speed: number): void;
  /** The learner pointed at COW chunk `chunk` (a bitmap cell, a copy in a leaf, a tree block). */
  point(chunk: number): void;
  setOriginChunk(chunk: number): void;
  setSlot(slot: number): void;
  exportFile(): TeachFile | null;
  importFile(json: string): void;
  clearError(): void;
}

export type TeachStore = StoreApi<TeachUi>;

/** Whether the learner is being asked the lesson's question now. */
export function asking(s: { session: Pick<SessionView, 'lessonEnd'>; position: number; verdict: Verdict | null }): boolean {
  const end = s.session.lessonEnd;
  return end >= 0 && s.position >= end && s.verdict?.correct !== true;
}

/** The index of the session's last step. */
export function lastStep(session: Pick<SessionView, 'steps'>): number {
  return session.steps.length - 1;
}

type Pending = (reply: TeachReply) => void;

export function createTeachStore(makeEngine: () => TeachEngine): TeachStore {
  return createStore<TeachUi>()((set, get) => {
    let link: { engine: TeachEngine; pending: Pending[] } | null = null;
    /** Replies come in request order: each one goes to its request's handler; a failure sets `error`. */
    const ask = (request: TeachRequest, onReply: Pending = () => {}) => {
      if (!link) return set({ error: 'the teaching engine is not running' });
      link.pending.push((reply) => {
        if (reply.kind === 'failed') set({ error: reply.error });
        onReply(reply);
      });
      link.engine.post(request);
    };
    const start = (from: StartFrom) =>
      ask({ kind: 'start', from }, (r) => {
        if (r.kind !== 'session') return;
        set((s) => ({ session: { ...r.session, steps: r.steps }, position: r.position, revision: s.revision + 1, playing: false, verdict: null, selected: null, error: null, pointed: null }));
      });
    const moveTo = (position: number) => set({ position, pointed: null });
    return {
      session: null,
      lessons: [],
      cellRoles: null,
      position: 0,
      revision: 0,
      playing: false,
      speed: 1,
      verdict: null,
      selected: null,
      error: null,
      pointed: null,
      originChunk: 0,
      originPicked: false,
      slot: 0,

      connect() {
        const engine = makeEngine();
        const pending: Pending[] = [];
        const stop = engine.listen((reply) => {
          const handler = pending.shift();
          if (handler) handler(reply);
          else if (reply.kind === 'failed') set({ error: reply.error });
        });
        link = { engine, pending };
        ask({ kind: 'catalogue' }, (r) => {
          if (r.kind === 'catalogue') set({ lessons: r.lessons, cellRoles: r.cellRoles });
        });
        start({ kind: 'lesson', id: null });
        return () => {
          stop();
          engine.close();
          if (link?.engine === engine) link = null;
        };
      },
      startLesson: (id) => start({ kind: 'lesson', id }),
      startFree: () => start({ kind: 'free' }),
      startFromDump: (label, dump) => start({ kind: 'dump', label, dump }),

      run: (text) =>
        new Promise((resolve) =>
          ask({ kind: 'run', text }, (r) => {
            if (r.kind !== 'session') return resolve(false);
            set((s) => {
              const steps = s.session ? [...s.session.steps.slice(0, r.from), ...r.steps] : r.steps;
              return { session: { ...r.session, steps }, position: r.position, revision: s.revision + 1, playing: true, error: null, selected: null };
            });
            resolve(true);
          }),
        ),

      seek(index) {
        const { session } = get();
        if (session) moveTo(Math.max(0, Math.min(lastStep(session), Math.floor(index))));
      },
      forward() {
        const { session, position } = get();
        if (!session) return;
        if (position >= lastStep(session)) set({ playing: false });
        moveTo(Math.min(position + 1, lastStep(session)));
      },
      back: () => moveTo(Math.max(0, get().position - 1)),
      play() {
        const { session, position } = get();
        if (!session) return;
        set({ playing: true, position: position >= lastStep(session) ? 0 : position, pointed: null });
      },
      pause: () => set({ playing: false }),
      setSpeed: (speed) => set({ speed }),

      point(chunk) {
        const s = get();
        if (!s.session) return;
        if (asking({ session: s.session, position: s.position, verdict: s.verdict })) {
          ask({ kind: 'answer', chunk }, (r) => {
            if (r.kind === 'verdict') set({ verdict: r.verdict, pointed: r.chunk, playing: false });
          });
          return;
        }
        ask({ kind: 'describe', chunk, position: s.position }, (r) => {
          if (r.kind === 'described') set({ selected: { chunk: r.chunk, text: r.text } });
        });
      },
      setOriginChunk: (originChunk) => set({ originChunk, originPicked: true }),
      setSlot: (slot) => set({ slot }),

      exportFile() {
        const { session, position } = get();
        return session ? { ...session.file, position } : null;
      },
      importFile: (json) => start({ kind: 'import', json }),
      clearError: () => set({ error: null }),
    };
  });
}
