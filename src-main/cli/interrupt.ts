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
export async function interruptible<T>(outcome: () => string, work: (stop: Interruption) => Promise<T>): Promise<T> {
  let interrupted = false;
  let job: { cancel(): void } | null = null;
  const onInt = (): void => {
    process.removeListener('SIGINT', onInt);
    interrupted = true;
    job?.cancel();
  };
  const stopped = (): SnapscopeError => new SnapscopeError('cancelled', `interrupted; ${outcome()}`);
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
