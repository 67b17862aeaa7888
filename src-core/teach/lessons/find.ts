/** Lessons find their answers in the steps the engine produced, never as hard-coded chunks. */
import type { StructuralEvent } from '../../events.ts';
import type { Step } from '../steps.ts';
import { findOrigin, type TeachException, type TeachState } from '../state.ts';

export function finalState(steps: readonly Step[]): TeachState {
  return steps[steps.length - 1]!.state;
}

/** The copy of `origin` read by exactly `slots`, or undefined. */
export function copyFor(state: TeachState, origin: number, slots: readonly number[]): TeachException | undefined {
  const same = (a: readonly number[]) => a.length === slots.length && a.every((s, i) => s === slots[i]);
  return findOrigin(state, origin)?.entry?.exceptions.find((x) => same(x.slots));
}

export function firstEvent<T extends StructuralEvent['type']>(steps: readonly Step[], type: T): Extract<StructuralEvent, { type: T }> | undefined {
  for (const s of steps) for (const e of s.events) if (e.type === type) return e as Extract<StructuralEvent, { type: T }>;
  return undefined;
}

export function chunks(x: { chunk: number } | undefined): number[] {
  return x ? [x.chunk] : [];
}

export function mask(slots: readonly number[]): string {
  return `0x${slots.reduce((m, s) => m | (1n << BigInt(s)), 0n).toString(16)}`;
}
