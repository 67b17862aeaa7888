/** Checks what the learner pointed at against the lesson's question, in words they can use. */
import type { TeachSession } from './session.ts';
import { CELL_ROLES, cellCode, findBlock, type TeachState } from './state.ts';

export interface Verdict {
  correct: boolean;
  message: string;
}

/** `chunk` is the COW chunk pointed at: a bitmap cell, a copy in a leaf, or a tree block. */
export function checkAnswer(session: TeachSession, chunk: number): Verdict | null {
  const end = session.lessonEnd;
  const question = session.lesson?.question;
  if (!question || end < 0) return null;
  const steps = session.steps.slice(0, end + 1);
  if (question.answer(steps).includes(chunk)) return { correct: true, message: question.right(steps) };
  return { correct: false, message: `Not quite: ${describeChunk(steps[steps.length - 1]!.state, chunk)}. ${question.hint}` };
}

/** "chunk 9 is a copy of origin chunk 5, read by snapshot 0" — what a chunk holds in `state`. */
export function describeChunk(state: TeachState, chunk: number): string {
  const role = CELL_ROLES[cellCode(state, chunk)];
  const block = findBlock(state, chunk);
  if (block?.kind === 'node') return `chunk ${chunk} is ${chunk === state.tree.root ? 'the root node' : 'an index node'} with ${block.children.length} children`;
  if (block?.kind === 'leaf') {
    const origins = block.entries.map((e) => e.origin);
    return `chunk ${chunk} is a leaf${origins.length ? ` holding origin chunks ${origins[0]}–${origins[origins.length - 1]}` : ' with no entries'}`;
  }
  for (const b of state.tree.blocks) {
    if (b.kind !== 'leaf') continue;
    for (const e of b.entries) {
      const copy = e.exceptions.find((x) => x.chunk === chunk);
      if (copy) return `chunk ${chunk} is a copy of origin chunk ${e.origin}, read by snapshot${copy.slots.length === 1 ? '' : 's'} ${copy.slots.join(', ')}`;
    }
  }
  const what: Record<string, string> = { header: 'the header', bitmap: 'the allocation bitmap', label: 'a label chunk (snapshot names)', 'pending-free': 'freed, pending the next commit', free: 'free' };
  return `chunk ${chunk} is ${what[role] ?? `a ${role} chunk`}`;
}
