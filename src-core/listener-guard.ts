/**
 * A store's boundary with the listener of its structural events (events.ts). Events are emitted
 * from inside an operation, its change half-made in memory: a call that walked or changed the
 * store from there would overwrite that state, and a throw through the engine would stop the
 * change half-way, which nothing undoes. So while a listener runs the store refuses such calls,
 * and what the listener throws is kept and rethrown once the operation has ended.
 */
import { SnapscopeError } from './errors.ts';
import type { EventSink } from './events.ts';
import type { Task } from './jobs/job.ts';

export class ListenerGuard {
  private inEvent = false;
  /** What a listener threw during the current operation (null: nothing). */
  private thrown: unknown = null;

  /** `device` names the store in the errors. */
  constructor(private readonly device: string) {}

  /** The sink the engine emits into: `listener` runs inside the guard. */
  sink(listener: EventSink): EventSink {
    return (e) => {
      this.inEvent = true;
      try {
        listener(e);
      } catch (err) {
        this.thrown ??= err;
      } finally {
        this.inEvent = false;
      }
    };
  }

  /**
   * Operation `what` begins: refused while a listener runs. What a listener threw during an
   * earlier operation that then failed on its own is dropped: that operation reported its error,
   * and a later, unrelated call must not throw the listener's.
   */
  begin(what: string): void {
    this.checkNotInEvent(what);
    this.thrown = null;
  }

  /** Refuses `what` while a listener runs (a call inside an operation); reads of memory and of single blocks need no check. */
  checkNotInEvent(what: string): void {
    if (!this.inEvent) return;
    throw new SnapscopeError('usage', `${this.device}: ${what} was called from a structural event listener: a listener may not call into the store during an event (it would overwrite the operation in progress); call it after the operation returns`, {
      device: this.device,
    });
  }

  /** Throws what a listener threw during the operation that has just ended. */
  rethrow(): void {
    const err = this.thrown;
    if (err === null) return;
    this.thrown = null;
    const message = err instanceof Error ? err.message : String(err);
    throw new SnapscopeError('usage', `${this.device}: a structural event listener threw: ${message}; the operation it heard ran to the end and the store is consistent`, { device: this.device });
  }

  /** `task` whose every step, the operation its events come from, ends with rethrow(). */
  task<R>(task: Task<R>): Task<R> {
    return {
      step: () => {
        const finished = task.step();
        this.rethrow();
        return finished;
      },
      progress: () => task.progress(),
      result: () => task.result(),
      cancelled: () => task.cancelled?.(),
    };
  }
}
