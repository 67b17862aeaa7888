/**
 * A session as a small JSON file: the source, the operations (in their text form) and the
 * position. Importing replays the operations on the real engine, which reproduces every step.
 */
import { SnapscopeError } from '../errors.ts';
import { lessonById } from './lessons/index.ts';
import { formatOp, parseOp } from './ops.ts';
import { TeachSession } from './session.ts';

const TEACH_FILE_VERSION = 1;

export interface TeachFile {
  snapscopeTeach: typeof TEACH_FILE_VERSION;
  /** The lesson it started from, or null for free play. */
  lesson: string | null;
  source: { kind: 'fresh'; originChunks: number; cowChunks: number } | { kind: 'dump'; label: string; dump: string };
  ops: string[];
  position: number;
}

export function exportSession(session: TeachSession): TeachFile {
  const src = session.source;
  if (src.kind === 'device') throw new SnapscopeError('unsupported', `a lesson over ${src.label} cannot be exported: start it from the store's dump instead`);
  return {
    snapscopeTeach: TEACH_FILE_VERSION,
    lesson: session.lesson?.id ?? null,
    source: src.kind === 'fresh' ? { kind: 'fresh', originChunks: src.originChunks, cowChunks: src.cowChunks } : { kind: 'dump', label: src.label, dump: src.dump },
    ops: session.ops.map(formatOp),
    position: session.position,
  };
}

/** Rebuilds a session from `exportSession`'s output (parsed JSON); SnapscopeError('usage') names what is wrong. */
export function importSession(file: unknown): TeachSession {
  const bad = (why: string): never => {
    throw new SnapscopeError('usage', `not a snapscope lesson file: ${why}`);
  };
  if (typeof file !== 'object' || file === null) return bad('expected a JSON object');
  const f = file as Record<string, unknown>;
  if (f.snapscopeTeach !== TEACH_FILE_VERSION) bad(`snapscopeTeach is ${JSON.stringify(f.snapscopeTeach)}, expected ${TEACH_FILE_VERSION}`);
  if (!Array.isArray(f.ops) || !f.ops.every((o) => typeof o === 'string')) bad('ops must be a list of operations');
  if (typeof f.position !== 'number' || !Number.isInteger(f.position) || f.position < 0) bad('position must be a step number');
  const lesson = f.lesson === null ? null : typeof f.lesson === 'string' ? (lessonById(f.lesson) ?? bad(`unknown lesson ${JSON.stringify(f.lesson)}`)) : bad('lesson must be a name or null');
  const s = f.source as Record<string, unknown> | null;
  const source =
    s?.kind === 'fresh' && typeof s.originChunks === 'number' && typeof s.cowChunks === 'number'
      ? { kind: 'fresh' as const, originChunks: s.originChunks, cowChunks: s.cowChunks }
      : s?.kind === 'dump' && typeof s.label === 'string' && typeof s.dump === 'string'
        ? { kind: 'dump' as const, label: s.label, dump: s.dump }
        : bad('source must be a fresh store or a dump');
  const session = new TeachSession(source, (f.ops as string[]).map(parseOp), lesson);
  session.seek(f.position as number);
  return session;
}
