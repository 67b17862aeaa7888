import { toViewError, type ViewError } from '../../store/errors.ts';
import type { SliceCreator } from '../../store/types.ts';

/** Enough for any store a lesson can hold in memory (64 MiB of 512 B chunks is ~3 MiB of dump). */
const DUMP_BYTES = 16 << 20;

export interface TeachSlice {
  /**
   * The open shared store's dump (JSON), for a lesson over it: the host has no call that hands
   * out raw COW bytes, so the lesson rebuilds the store in memory from its logical content.
   */
  teachDump(): Promise<{ label: string; dump: string } | ViewError>;
}

export const createTeachSlice: SliceCreator<TeachSlice> = (client) => (_set, get) => ({
  async teachDump() {
    const session = get().session;
    if (!session) return toViewError({ code: 'unknown-session', message: 'No store is open.' });
    try {
      const job = await get().track(`dump ${session.cow} for a lesson`, () => client.dump({ session: session.session, format: 'json', maxBytes: DUMP_BYTES }));
      const done = await client.jobWait({ job: job.id });
      if (done.kind !== 'dump' || done.state !== 'done' || !done.result) throw done.error ?? new Error(`the dump ended ${done.state}`);
      if (done.result.truncated) return toViewError({ code: 'capacity', message: `${session.cow} is too big for a lesson: its dump was cut short.` });
      return { label: session.cow, dump: done.result.text };
    } catch (e) {
      return toViewError(e);
    }
  },
});
