import { SnapscopeError } from '../../src-core/errors.ts';
import { withOutput, type Output, type OutputRules } from '../host/access/outputs.ts';

/** How often a loop on this thread yields, so that a SIGINT reaches its listener. */
const YIELD_EVERY_MS = 100;

/** What `fill` gets to stop on Ctrl-C: yield between pieces of work, or name a job to cancel. */
export interface Interruption {
  /** Yields to the event loop every 100 ms; throws once a SIGINT has come. */
  pause(): Promise<void>;
  /** Cancels `job` on a SIGINT (a Job stops between its slices). */
  cancels(job: { cancel(): void }): void;
}

/**
 * `withOutput`, stopped by Ctrl-C: the command fails with 'cancelled' (exit 130, "interrupted;
 * out.img was not written") and the output is aborted, its temporary file removed. Node's default,
 * death by the signal, left it behind. The listener is in place before the temporary file exists;
 * a second SIGINT is left to that default (exit at once).
 */
export async function withInterruptibleOutput<T>(p: string, rules: OutputRules, fill: (out: Output, stop: Interruption) => Promise<T>): Promise<T> {
  let interrupted = false;
  let job: { cancel(): void } | null = null;
  let out: Output | null = null;
  const onInt = (): void => {
    process.removeListener('SIGINT', onInt);
    interrupted = true;
    job?.cancel();
  };
  const stopped = (): SnapscopeError => new SnapscopeError('cancelled', `interrupted; ${out ? unfinished(out) : `${p} was not written`}`, { device: p });
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
  };
  process.on('SIGINT', onInt);
  try {
    return await withOutput(p, rules, async (o) => {
      out = o;
      const result = await fill(o, stop);
      if (interrupted) throw stopped(); // before the commit
      return result;
    });
  } catch (e) {
    throw interrupted ? stopped() : e;
  } finally {
    process.removeListener('SIGINT', onInt);
  }
}

/** What an interrupted output holds: a file is left as it was; a device or stream got part of it. */
function unfinished(out: Output): string {
  return out.kind === 'file' ? `${out.name} was not written` : `${out.name} was only partly written`;
}
