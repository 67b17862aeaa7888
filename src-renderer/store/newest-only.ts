/**
 * One run in flight and the newest ask waiting: the host answers a session's calls one after
 * another, so a burst of asks (zoom frames, a merge's store changes) must not queue a pass per ask.
 * Asks made while a run is in flight become one more run after it, with the last value; every
 * caller's promise settles when the queue is idle again. `run` handles its own errors, and may
 * itself ask (one more run follows) or read `waiting()` to drop work a newer ask has overtaken.
 */
export function newestOnly<T>(run: (value: T) => Promise<void>): { ask(value: T): Promise<void>; waiting(): boolean } {
  let next: { value: T } | null = null;
  let running: Promise<void> | null = null;
  return {
    ask(value) {
      next = { value };
      running ??= (async () => {
        try {
          while (next) {
            const { value: v } = next;
            next = null;
            await run(v);
          }
        } finally {
          running = null;
        }
      })();
      return running;
    },
    waiting: () => next !== null,
  };
}
