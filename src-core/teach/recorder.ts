/**
 * The step-recording mode: runs one operation on the lab with a listener that captures the state
 * at every structural event, then groups the events into steps. Quiet operations only count.
 */
import type { StructuralEvent } from '../events.ts';
import type { StateCapture } from './capture.ts';
import type { Lab } from './lab.ts';
import type { TeachOp } from './ops.ts';
import { groupSteps, type RawStep, type Recorded } from './steps.ts';

/** Runs `o` and returns its steps (a quiet op: one 'batch' step with every event). */
export function record(lab: Lab, capture: StateCapture, o: TeachOp): RawStep[] {
  if (o.quiet) {
    const events: StructuralEvent[] = [];
    lab.listener = (e) => {
      capture.note(e);
      events.push(e);
    };
    lab.afterWrite = null;
    try {
      lab.run(o);
    } finally {
      lab.listener = null;
    }
    return [{ kind: 'batch', events, state: capture.capture() }];
  }
  const steps: RawStep[] = [];
  let records: Recorded[] = [];
  // A write's own step (the origin overwritten, a snapshot's copy written in place) cuts the groups.
  const flush = () => {
    steps.push(...groupSteps(records, o.op));
    records = [];
  };
  lab.listener = (e) => {
    capture.note(e);
    records.push({ event: e, state: capture.capture() });
  };
  lab.afterWrite = (kind, chunk) => {
    flush();
    steps.push({ kind, events: [], state: capture.capture(), chunk });
  };
  try {
    lab.run(o);
  } finally {
    lab.listener = null;
    lab.afterWrite = null;
  }
  flush();
  return steps;
}
