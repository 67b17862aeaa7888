import type { HostContext } from './context.ts';

/** How often the open stores are compared with the disk. */
const POLL_MS = 1000;

/**
 * Compares every open store with its disk once a second and tells the clients, once per change,
 * when someone else committed to it (`disk-changed`): the session is then stale — its writes are
 * refused until a `reload`. A session a job writes is skipped: its commits are the host's own.
 * Returns the function that stops polling.
 */
export function pollDisks(ctx: HostContext, everyMs = POLL_MS): () => void {
  const timer = setInterval(() => {
    for (const s of ctx.sessions.values()) {
      if (s.writer !== null) continue;
      if (!s.stale && s.watch.changed()) s.stale = true;
      if (s.stale && !s.announced) {
        s.announced = true;
        ctx.emit({ type: 'disk-changed', session: s.id, generation: s.generation });
      }
    }
  }, everyMs);
  timer.unref?.();
  return () => clearInterval(timer);
}
