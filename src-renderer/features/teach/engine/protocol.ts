/**
 * The messages between the teach view and the teaching engine, which runs in a Web Worker
 * (worker/teach.worker.ts) so rebuilding a store of up to 64 MiB never blocks the page. Every
 * message is plain data (structured-cloneable); the page imports engine types only.
 */
import type { CellCode, Step, TeachFile, Verdict } from '../../../../src-core/teach/index.ts';

/** What the view shows of a lesson (its question's answer stays in the engine). */
export interface LessonInfo {
  id: string;
  title: string;
  summary: string;
  intro: string;
  prompt: string;
}

/** A step with its engine events already in words. */
export type ViewStep = Step & { lines: string[] };

/** A teaching session as the view sees it: every step so far, recorded by the engine. */
export interface SessionView {
  lesson: LessonInfo | null;
  source: { kind: 'fresh' } | { kind: 'dump'; label: string };
  chunkBytes: number;
  originChunks: number;
  steps: ViewStep[];
  /** opStart[i]: the first step of operation i. */
  opStart: number[];
  /** The step where the lesson's script ends (its question is about the state there), or -1. */
  lessonEnd: number;
  /** The session as a lesson file (its `ops` are the operations in words); the view sets `position`. */
  file: TeachFile;
}

/** `id: null` is the first lesson. */
export type StartFrom = { kind: 'lesson'; id: string | null } | { kind: 'free' } | { kind: 'dump'; label: string; dump: string } | { kind: 'import'; json: string };

export type TeachRequest =
  | { kind: 'catalogue' }
  | { kind: 'start'; from: StartFrom }
  | { kind: 'run'; text: string }
  /** The learner pointed at `chunk` as the answer to the lesson's question. */
  | { kind: 'answer'; chunk: number }
  /** The learner pointed at `chunk` while looking at step `position`. */
  | { kind: 'describe'; chunk: number; position: number };

export type TeachReply =
  | { kind: 'catalogue'; lessons: LessonInfo[]; cellRoles: Record<CellCode, string> }
  /**
   * A new session (`started`), or the steps an operation added: `steps` replace the view's steps
   * from index `from` on. `position` is where the view goes next.
   */
  | { kind: 'session'; started: boolean; session: Omit<SessionView, 'steps'>; from: number; steps: ViewStep[]; position: number }
  | { kind: 'failed'; error: string }
  | { kind: 'verdict'; chunk: number; verdict: Verdict | null }
  | { kind: 'described'; chunk: number; text: string };

/** The engine's end of the conversation: a Worker in the app, the same server in process in tests. */
export interface TeachEngine {
  post(request: TeachRequest): void;
  /** Replies arrive in request order; returns the unsubscribe. */
  listen(onReply: (reply: TeachReply) => void): () => void;
  close(): void;
}
