/**
 * The teaching engine behind the protocol: holds the TeachSession and answers each request with
 * one reply. Runs in the teach worker (and in process in tests); the page never loads it.
 */
import { CELL_ROLES, checkAnswer, DEFAULT_FRESH, describeChunk, eventLine, exportSession, importSession, lessonById, LESSONS, parseOp, TeachSession, type Lesson } from '../../../../src-core/teach/index.ts';
import type { LessonInfo, SessionView, StartFrom, TeachReply, TeachRequest, ViewStep } from '../engine/protocol.ts';

export type TeachServer = (request: TeachRequest) => TeachReply;

export function createTeachServer(): TeachServer {
  let session: TeachSession | null = null;
  const reply = (s: TeachSession, started: boolean, from: number): TeachReply => ({
    kind: 'session',
    started,
    session: describe(s),
    from,
    steps: s.steps.slice(from).map((step): ViewStep => ({ ...step, lines: step.events.map(eventLine) })),
    position: s.position,
  });
  const handle = (request: TeachRequest): TeachReply => {
    switch (request.kind) {
      case 'catalogue':
        return { kind: 'catalogue', lessons: LESSONS.map(lessonInfo), cellRoles: { ...CELL_ROLES } };
      case 'start':
        session = start(request.from);
        return reply(session, true, 0);
      case 'run': {
        const s = open(session);
        const result = s.apply(parseOp(request.text));
        if (!result.ok) return { kind: 'failed', error: result.error };
        return reply(s, false, s.opStart[s.ops.length - 1]!);
      }
      case 'answer':
        return { kind: 'verdict', chunk: request.chunk, verdict: checkAnswer(open(session), request.chunk) };
      case 'describe': {
        const s = open(session);
        const step = s.steps[Math.max(0, Math.min(s.last, request.position))]!;
        return { kind: 'described', chunk: request.chunk, text: describeChunk(step.state, request.chunk) };
      }
    }
  };
  return (request) => {
    try {
      return handle(request);
    } catch (e) {
      return { kind: 'failed', error: e instanceof Error ? e.message : String(e) };
    }
  };
}

function start(from: StartFrom): TeachSession {
  switch (from.kind) {
    case 'lesson':
      return TeachSession.forLesson((from.id === null ? undefined : lessonById(from.id)) ?? LESSONS[0]!);
    case 'free':
      return new TeachSession(DEFAULT_FRESH);
    case 'dump':
      return new TeachSession({ kind: 'dump', label: from.label, dump: from.dump });
    case 'import': {
      let parsed: unknown;
      try {
        parsed = JSON.parse(from.json);
      } catch {
        throw new Error('not a snapscope lesson file: it is not JSON');
      }
      return importSession(parsed);
    }
  }
}

function open(session: TeachSession | null): TeachSession {
  if (!session) throw new Error('no lesson is running');
  return session;
}

function lessonInfo(l: Lesson): LessonInfo {
  return { id: l.id, title: l.title, summary: l.summary, intro: l.intro, prompt: l.question.prompt };
}

function describe(s: TeachSession): Omit<SessionView, 'steps'> {
  const src = s.source;
  return {
    lesson: s.lesson ? lessonInfo(s.lesson) : null,
    source: src.kind === 'fresh' ? { kind: 'fresh' } : { kind: 'dump', label: src.label },
    chunkBytes: s.chunkBytes,
    originChunks: s.originChunks,
    opStart: [...s.opStart],
    lessonEnd: s.lessonEnd,
    file: exportSession(s),
  };
}
