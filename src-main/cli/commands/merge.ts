import { SnapscopeError, isSnapscopeError } from '../../../src-core/errors.ts';
import { assertNotInUse } from '../../host/in-use.ts';
import { mergePlan, mergeTask, recordedMerge } from '../../host/merges.ts';
import type { Command } from '../command.ts';
import { withVolume } from '../devices.ts';
import { runJob } from '../run-job.ts';

export const merge: Command = {
  name: 'merge',
  summary: 'merge a snapshot back into the origin (offline; resumable)',
  positionals: [
    { name: 'origin', help: 'origin device or image (written)' },
    { name: 'cow', help: 'COW device or image' },
  ],
  options: {
    snapshot: {
      type: 'string',
      value: 'S',
      help: "the snapshot to merge: slot, name or UUID ('snap', the default, in a persistent COW; in a shared store, the default is the merge it records as unfinished)",
    },
    'dry-run': { type: 'boolean', help: 'say what would be copied and the space needed, change nothing' },
  },
  details: [
    'Shows a progress bar on a terminal; with --json, JSON lines {"progress":...} then {"result":...}.',
    'Ctrl-C stops between steps: the store stays consistent and the next merge resumes (the batch in flight is redone).',
    'Shared store: the other snapshots that still read the origin at a merged chunk first get their own',
    'copy (refused when the COW cannot hold them); the snapshot is deleted at the end. Until the merge',
    'ends the store records it (info says so): the origin is part rolled back and origin writes are refused.',
    'Refuses when the origin or the COW is in use (device-mapper, mounted, loop, holders).',
  ].join('\n'),
  async run(args, con) {
    const dryRun = args.flag('dry-run');
    const [originPath, cowPath] = [args.arg('origin'), args.arg('cow')];
    if (dryRun) {
      // A dry run writes nothing, but should still say whether the real merge would be refused.
      assertNotInUse(cowPath, 'COW');
      assertNotInUse(originPath, 'origin');
    }
    await withVolume(originPath, cowPath, !dryRun, () => !dryRun, async (store, origin) => {
      const ref = args.string('snapshot') ?? (store.format === 'persistent' ? 'snap' : String(recordedMerge(store) ?? missingSnapshot()));
      const slot = store.resolveSnapshot(ref);
      if (dryRun) {
        const plan = mergePlan(store, origin, slot);
        con.result(plan, plan.summary.join('\n'));
        return;
      }
      const task = mergeTask(store, origin, slot);
      try {
        const result = await runJob(task, con);
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
  throw new SnapscopeError('usage', 'give --snapshot S: which snapshot of the shared store to merge (see: snapscope merge --help)');
}
