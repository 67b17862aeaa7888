/**
 * Teaching mode: lessons that run the real shared-store engine on a tiny in-memory store and turn
 * its structural events into steps a learner can play, step through and reverse. Pure: no Node,
 * no DOM; the renderer runs it in a Web Worker (src-renderer/features/teach/worker).
 */
export { checkAnswer, describeChunk, type Verdict } from './question.ts';
export { eventLine } from './explain.ts';
export type { Lesson, Question } from './lesson.ts';
export { LESSONS, lessonById } from './lessons/index.ts';
export { formatOp, parseOp, type TeachOp, type TeachOpKind } from './ops.ts';
export { OverlayDevice } from '../io/overlay-device.ts';
export { TeachSession, type ApplyResult } from './session.ts';
export { DEFAULT_FRESH, type TeachSource } from './source.ts';
export { CELL_ROLES, cellCode, findBlock, findOrigin, NO_FOCUS, type CellCode, type Focus, type TeachBlock, type TeachException, type TeachLeaf, type TeachNode, type TeachState, type TeachTree } from './state.ts';
export type { Step, StepKind } from './steps.ts';
export { exportSession, importSession, type TeachFile } from './transfer.ts';
