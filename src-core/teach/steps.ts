/**
 * Structural events → steps. Most events are a step of their own; a few always come as one
 * gesture of the engine and read better together: allocate + shadow + free of the old block (one
 * shadowing), allocate + split (the new half's chunk), a leaf's freed copies, and the label chain
 * rewritten just before a commit.
 */
import type { StructuralEvent } from '../events.ts';
import type { TeachOpKind } from './ops.ts';
import type { Focus, TeachState } from './state.ts';

export type StepKind =
  | 'start'
  | 'batch'
  | 'snapshot-create'
  | 'probe'
  | 'mask-check'
  | 'allocate'
  | 'copy-data'
  | 'shadow'
  | 'exception-add'
  | 'unshare'
  | 'write-in-place'
  | 'origin-write'
  | 'leaf-split'
  | 'node-split'
  | 'new-root'
  | 'clear-bits'
  | 'free-chunks'
  | 'leaf-merge'
  | 'node-merge'
  | 'level-drop'
  | 'snapshot-delete'
  | 'commit'
  | 'merge-copy-others'
  | 'merge-to-origin'
  | 'merge-clear'
  | 'event';

/** A step as the learner sees it. */
export interface Step {
  /** Index of the operation it belongs to; -1 for the starting state. */
  op: number;
  kind: StepKind;
  /** The engine's structural events behind it, in order (none for the start and write steps). */
  events: StructuralEvent[];
  text: string;
  state: TeachState;
  focus: Focus;
}

export interface Recorded {
  event: StructuralEvent;
  state: TeachState;
}

export interface RawStep {
  kind: StepKind;
  events: StructuralEvent[];
  /** The state after the step's last event. */
  state: TeachState;
  /** The origin chunk of a write step (origin-write, write-in-place). */
  chunk?: number;
}

/** Groups one operation's recorded events into steps. */
export function groupSteps(records: readonly Recorded[], op: TeachOpKind): RawStep[] {
  const steps: RawStep[] = [];
  let group: StructuralEvent[] = [];
  let state: TeachState | null = null;
  const close = () => {
    if (group.length && state) steps.push({ kind: kindOf(group, op), events: group, state });
    group = [];
  };
  for (const r of records) {
    if (group.length && !joins(group, r.event, op)) close();
    group.push(r.event);
    state = r.state;
  }
  close();
  return steps;
}

function isLabelWork(group: readonly StructuralEvent[]): boolean {
  return group.every((e) => (e.type === 'allocate' || e.type === 'free') && e.role === 'label');
}

/** A merge works in batches: its lookups, allocations, inserts and copies of one batch are one step each. */
const MERGE_RUNS: ReadonlySet<StructuralEvent['type']> = new Set(['probe', 'allocate', 'exception-add', 'merge-origin-copy', 'merge-copy-to-origin', 'merge-clear']);

function joins(group: readonly StructuralEvent[], e: StructuralEvent, op: TeachOpKind): boolean {
  const last = group[group.length - 1]!;
  if (op === 'merge' && MERGE_RUNS.has(e.type) && group.every((g) => g.type === e.type && (g.type !== 'allocate' || g.role === 'exception'))) {
    return e.type !== 'allocate' || e.role === 'exception';
  }
  switch (e.type) {
    case 'shadow':
      return last.type === 'allocate' && last.chunk === e.to;
    case 'free':
      if (e.role === 'label') return isLabelWork(group);
      if (e.role === 'exception') return last.type === 'exception-free';
      return last.type === 'shadow' && last.from === e.chunk;
    case 'allocate':
      return e.role === 'label' && isLabelWork(group);
    case 'commit':
      return isLabelWork(group);
    case 'exception-free':
      return last.type === 'free' && last.chunk === e.chunk;
    case 'exception-unshare':
      return op !== 'write-snapshot' && last.type === 'exception-unshare' && last.leaf === e.leaf;
    case 'leaf-split':
      return last.type === 'allocate' && last.chunk === e.newLeaf;
    case 'node-split':
      return last.type === 'allocate' && last.chunk === e.newNode;
    case 'new-root':
      return last.type === 'allocate' && last.chunk === e.root;
    case 'leaf-merge':
      return last.type === 'free' && last.role === 'leaf' && last.chunk === e.from;
    case 'node-merge':
      return last.type === 'free' && last.role === 'node' && last.chunk === e.from;
    case 'level-drop':
      return group.length === 1 && last.type === 'free' && last.role === 'node';
    default:
      return false;
  }
}

const NAMED: Partial<Record<StructuralEvent['type'], StepKind>> = {
  'snapshot-create': 'snapshot-create',
  'snapshot-delete': 'snapshot-delete',
  probe: 'probe',
  'mask-check': 'mask-check',
  'copy-data': 'copy-data',
  'exception-add': 'exception-add',
  'leaf-split': 'leaf-split',
  'node-split': 'node-split',
  'new-root': 'new-root',
  'leaf-merge': 'leaf-merge',
  'node-merge': 'node-merge',
  'level-drop': 'level-drop',
  'exception-free': 'free-chunks',
  commit: 'commit',
  'merge-origin-copy': 'merge-copy-others',
  'merge-copy-to-origin': 'merge-to-origin',
  'merge-clear': 'merge-clear',
};

function kindOf(group: readonly StructuralEvent[], op: TeachOpKind): StepKind {
  // The last event names the gesture (a split closes its allocate, a commit its label work).
  const last = group[group.length - 1]!;
  if (group.some((e) => e.type === 'shadow')) return 'shadow';
  if (last.type === 'exception-unshare') return op === 'write-snapshot' ? 'unshare' : 'clear-bits';
  if (last.type === 'allocate' && last.role === 'exception') return 'allocate';
  return NAMED[last.type] ?? 'event';
}
