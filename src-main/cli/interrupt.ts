import { SnapscopeError } from '../../src-core/errors.ts';
import { withOutput, type Output, type OutputRules } from '../host/access/outputs.ts';

/** How often a loop on this thread yields, so that a SIGINT reaches its listener. */
const YIELD_EVERY_MS = 100;

/** What work gets to stop on Ctrl-C: yield between pieces of it, or name a job to cancel. */
export interface Interruption {
  /** Yields to the event loop every 100 ms; then throws `stopped()` once a SIGINT has come. */
  pause(): Promise<void>;
  /** Cancels `job` on a SIGINT (a Job stops between its slices). */
  cancels(job: { cancel(): void }): void;
  /** Whether a SIGINT has come (work that stops on its own terms: commit first, then throw; `outcome` says where). */
  readonly interrupted: boolean;
}

/**
 * Runs `work`, stopped by the first Ctrl-C: it fails with 'cancelled' (exit 130, "interrupted;
 * <outcome()>") at its next pause(), as its job is cancelled, or when it throws having seen
 * `interrupted`, so that its finally blocks run.
 * Node's default, death by the signal, says nothing and runs none. The listener is in place before
 * `work` starts; a second SIGINT is left to that default (exit at once).
 */
export function interruptible<T>(outcome: () => string, work: (stop: Interruption) => Promise<T>): Promise<T> {
  return interruptibleSaying(() => `interrupted; ${outcome()}`, work);
}

/** Runs the one synchronous write of a command (interruptibleStep). */
export type Step = <R>(write: () => R, done: (result: R) => string) => Promise<R>;

/**
 * For a command whose write is one synchronous step (a commit): Node runs a SIGINT listener only
 * between steps, never inside one, so a Ctrl-C is taken before the write (the command stops there:
 * "interrupted; nothing was written") or after it ("interrupted after the commit: <done>"), exit 130
 * either way. `work` opens what it writes (the listener is already in place) and calls `step`
 * once, around its write.
 */
export function interruptibleStep<T>(work: (step: Step) => Promise<T>): Promise<T> {
  let applied: string | null = null;
  return interruptibleSaying(
    () => (applied === null ? 'interrupted; nothing was written' : `interrupted after the commit: ${applied}`),
    (stop) =>
      work(async (write, done) => {
        await signalsIn();
        if (stop.interrupted) throw new SnapscopeError('cancelled', 'interrupted'); // interruptibleSaying words it
        const result = write();
        applied = done(result);
        await signalsIn();
        if (stop.interrupted) throw new SnapscopeError('cancelled', 'interrupted');
        return result;
      }),
  );
}

/** Lets a SIGINT that came during synchronous work reach its listener (one turn of the loop missed one in 200 runs; two never did). */
async function signalsIn(): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  await new Promise<void>((resolve) => setImmediate(resolve));
}

async function interruptibleSaying<T>(message: () => string, work: (stop: Interruption) => Promise<T>): Promise<T> {
  let interrupted = false;
  let job: { cancel(): void } | null = null;
  const onInt = (): void => {
    process.removeListener('SIGINT', onInt);
    interrupted = true;
    job?.cancel();
  };
  const stopped = (): SnapscopeError => new SnapscopeError('cancelled', message());
  let next = Date.now() + YIELD_EVERY_MS;
  const stop: Interruption = {
    async pause() {
      if (Date.now() < next) return;
      await new Promise<void>((resolve) => setImmediate(resolve));
      next = Date.now() + YIELD_EVERY_MS;
      if (interrupted) throw stopped();
    },
    cancels(j) {
      job = j;
      if (interrupted) j.cancel();
    },
    get interrupted() {
      return interrupted;
    },
  };
  process.on('SIGINT', onInt);
  try {
    return await work(stop); // finished all the same: a SIGINT during its last piece changes nothing
  } catch (e) {
    throw interrupted ? stopped() : e;
  } finally {
    process.removeListener('SIGINT', onInt);
  }
}

/**
 * `withOutput`, stopped by Ctrl-C: the output is aborted, its temporary file removed ("interrupted;
 * out.img was not written"). The listener is in place before the temporary file exists.
 */
export function withInterruptibleOutput<T>(p: string, rules: OutputRules, fill: (out: Output, stop: Interruption) => Promise<T>): Promise<T> {
  let out: Output | null = null;
  return interruptible(
    () => (out === null || out.kind === 'file' ? `${out?.name ?? p} was not written` : `${out.name} was only partly written`),
    (stop) =>
      withOutput(p, rules, async (o) => {
        out = o;
        const result = await fill(o, stop);
        if (stop.interrupted) throw new SnapscopeError('cancelled', 'interrupted'); // before the commit; interruptible words it
        return result;
      }),
  );
}
