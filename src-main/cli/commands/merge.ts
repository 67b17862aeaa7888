import { SnapscopeError, isSnapscopeError } from '../../../src-core/errors.ts';
import { assertWouldWrite } from '../../host/access/inputs.ts';
import { mergePlan, mergeTask, recordedMerge } from '../../host/merges.ts';
import { COW, ORIGIN, PROGRESS, SNAPSHOT } from '../grammar.ts';
import type { Command } from '../command.ts';
import { withVolume } from '../devices.ts';
import { runJob } from '../run-job.ts';

export const merge: Command = {
  name: 'merge',
  summary: 'merge a snapshot back into the origin (offline; resumable)',
  positionals: [COW],
  options: {
    origin: { ...ORIGIN, help: 'origin device or image (written)' },
    snapshot: {
      ...SNAPSHOT,
      help: "the snapshot to merge: slot, name or UUID ('snap', the default, in a persistent COW; in a shared store, the default is the merge it records as unfinished)",
    },
    'dry-run': { type: 'boolean', short: 'n', help: 'say what would be copied and the space needed, change nothing' },
    ...PROGRESS,
  },
  details: [
    'A progress bar on a terminal; elsewhere a line every --interval seconds; with --json, JSON lines {"progress":...} then {"result":...}.',
    'Ctrl-C stops between steps: the store stays consistent and the next merge resumes (the batch in flight is redone).',
    'Shared store: the other snapshots that still read the origin at a merged chunk first get their own',
    'copy (refused when the COW cannot hold them); the snapshot is deleted at the end. Until the merge',
    'ends the store records it (info says so): the origin is part rolled back and origin writes are refused.',
    'Refuses when the origin or the COW is in use (device-mapper, mounted, loop, holders).',
  ].join('\n'),
  examples: [
    ['merge /tmp/demo/shared.cow --origin /tmp/demo/origin.img -s before-upgrade --dry-run', 'what the merge would copy and the space it needs'],
    ['merge /tmp/demo/shared.cow --origin /tmp/demo/origin.img -s before-upgrade --interval 5', 'roll the origin back to before-upgrade, a progress line every 5 s in a log'],
  ],
  async run(args, con) {
    const dryRun = args.flag('dry-run');
    const [originPath, cowPath] = [args.arg('origin'), args.arg('cow')];
    if (dryRun) {
      // A dry run writes nothing, but should still say whether the real merge would be refused.
      assertWouldWrite(cowPath, 'COW');
      assertWouldWrite(originPath, 'origin');
    }
    await withVolume(originPath, cowPath, !dryRun, () => !dryRun, async (store, origin) => {
      const ref = args.string('snapshot') ?? (store.format === 'persistent' ? 'snap' : String(recordedMerge(store) ?? missingSnapshot()));
      const slot = store.resolveSnapshot(ref);
      if (dryRun) {
        const plan = mergePlan(store, origin, slot);
        con.result(plan, plan.summary.join('\n'));
        return;
      }
      // Batches sized by time, as the UI's: Ctrl-C acts within one, and a progress line can come every --interval.
      const task = mergeTask(store, origin, slot, undefined, undefined, Math.max(20, Math.min(250, ((args.number('interval') ?? 10) * 1000) / 2)));
      try {
        const result = await runJob(task, con, args);
        con.result({ result }, result.summary.join('\n'));
      } catch (e) {
        if (!isSnapscopeError(e) || e.code !== 'cancelled') throw e;
        const p = task.progress();
        throw new SnapscopeError('cancelled', `merge cancelled after ${p.done}/${p.total} ${p.unit}; the store is consistent and the merge resumes where it stopped when you run merge again`, {
          device: cowPath,
        });
      }
    });
  },
};

function missingSnapshot(): never {
  throw new SnapscopeError('usage', 'give -s/--snapshot SNAP: which snapshot of the shared store to merge (see: snapscope merge --help)');
}
