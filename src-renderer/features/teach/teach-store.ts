/**
 * The teach view's own state: the running TeachSession (the real engine in the page, see
 * src-core/teach) and the player around it. Kept out of the app store: it needs no client, and
 * leaving the view drops it (export keeps a lesson).
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import {
  checkAnswer,
  DEFAULT_FRESH,
  describeChunk,
  exportSession,
  importSession,
  lessonById,
  LESSONS,
  parseOp,
  TeachSession,
  type TeachFile,
  type Verdict,
} from '../../../src-core/teach/index.ts';

export const SPEEDS = [0.5, 1, 2, 4, 8] as const;
/** Milliseconds a step stays on screen at 1×. */
export const STEP_MS = 1400;

export interface TeachUi {
  session: TeachSession;
  /** Mirrors session.position (the session is mutable; selectors need a value that changes). */
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

  startLesson(id: string): void;
  startFree(): void;
  startFromDump(label: string, dump: string): void;
  run(text: string): boolean;
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
  exportFile(): TeachFile;
  importFile(json: string): void;
  clearError(): void;
}

export type TeachStore = StoreApi<TeachUi>;

/** Whether the learner is being asked the lesson's question now. */
export function asking(s: Pick<TeachUi, 'session' | 'position' | 'verdict'>): boolean {
  const end = s.session.lessonEnd;
  return end >= 0 && s.position >= end && s.verdict?.correct !== true;
}

export function createTeachStore(first: TeachSession = TeachSession.forLesson(LESSONS[0]!)): TeachStore {
  return createStore<TeachUi>()((set, get) => {
    const fresh = (session: TeachSession) => set((s) => ({ session, position: session.position, revision: s.revision + 1, playing: false, verdict: null, selected: null, error: null, pointed: null }));
    const moved = () => set({ position: get().session.position, pointed: null });
    const attempt = (what: () => void) => {
      try {
        what();
      } catch (e) {
        set({ error: e instanceof Error ? e.message : String(e) });
      }
    };
    return {
      session: first,
      position: first.position,
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

      startLesson: (id) => attempt(() => fresh(TeachSession.forLesson(lessonById(id) ?? LESSONS[0]!))),
      startFree: () => attempt(() => fresh(new TeachSession(DEFAULT_FRESH))),
      startFromDump: (label, dump) => attempt(() => fresh(new TeachSession({ kind: 'dump', label, dump }))),

      run(text) {
        const { session } = get();
        try {
          const result = session.apply(parseOp(text));
          if (!result.ok) {
            set({ error: result.error });
            return false;
          }
        } catch (e) {
          set({ error: e instanceof Error ? e.message : String(e) });
          return false;
        }
        set((s) => ({ position: session.position, revision: s.revision + 1, playing: true, error: null, selected: null }));
        return true;
      },

      seek(index) {
        get().session.seek(index);
        moved();
      },
      forward() {
        if (!get().session.forward()) set({ playing: false });
        moved();
      },
      back() {
        get().session.back();
        moved();
      },
      play() {
        const { session } = get();
        if (session.position >= session.last) session.seek(0);
        set({ playing: true, position: session.position, pointed: null });
      },
      pause: () => set({ playing: false }),
      setSpeed: (speed) => set({ speed }),

      point(chunk) {
        const s = get();
        if (asking(s)) {
          set({ verdict: checkAnswer(s.session, chunk), pointed: chunk, playing: false });
          return;
        }
        set({ selected: { chunk, text: describeChunk(s.session.step.state, chunk) } });
      },
      setOriginChunk: (originChunk) => set({ originChunk, originPicked: true }),
      setSlot: (slot) => set({ slot }),

      exportFile: () => exportSession(get().session),
      importFile: (json) =>
        attempt(() => {
          let parsed: unknown;
          try {
            parsed = JSON.parse(json);
          } catch {
            throw new Error('not a snapscope lesson file: it is not JSON');
          }
          const session = importSession(parsed);
          fresh(session);
        }),
      clearError: () => set({ error: null }),
    };
  });
}
