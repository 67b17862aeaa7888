import type { SessionView } from './engine/protocol.ts';

/**
 * The blocks the current operation has been about so far, most recent first: a commit step
 * points at nothing, but the view should stay on the leaf the operation was working on.
 */
export function contextOf(session: Pick<SessionView, 'steps' | 'opStart'>, position: number): number[] {
  const op = session.steps[position]!.op;
  const from = op < 0 ? position : session.opStart[op]!;
  const out: number[] = [];
  for (let i = position; i >= from; i--) {
    const f = session.steps[i]!.focus;
    for (const c of [...f.blocks, ...[...f.path].reverse()]) if (!out.includes(c)) out.push(c);
  }
  return out;
}
