import { assertWouldWrite } from '../../host/access/inputs.ts';
import { COW, SNAPSHOT } from '../grammar.ts';
import type { Command } from '../command.ts';
import { requireWritable, withStore } from '../devices.ts';
import { requireShared } from '../../../src-core/formats.ts';
import { interruptibleStep } from '../interrupt.ts';
import { plural } from '../plural.ts';

export const snapshotDelete: Command = {
  name: 'snapshot delete',
  summary: 'delete a snapshot of a shared store, freeing the chunks only it used',
  positionals: [{ ...COW, help: 'COW device or image (shared store)' }],
  options: {
    snapshot: { ...SNAPSHOT, required: true },
    'dry-run': { type: 'boolean', short: 'n', help: 'say what would be freed, change nothing' },
  },
  examples: [
    ['snapshot delete /tmp/demo/shared.cow -s nightly --dry-run', 'how many chunks deleting nightly would free'],
    ['snapshot delete /tmp/demo/shared.cow -s 2', 'delete the snapshot in slot 2'],
  ],
  run: (args, con) => {
    // A dry run writes nothing, but says whether the real delete would be refused.
    if (args.flag('dry-run')) assertWouldWrite(args.arg('cow'), 'COW');
    return interruptibleStep((step) =>
      withStore(args.arg('cow'), !args.flag('dry-run'), async (store) => {
        const shared = requireShared(store, 'delete a snapshot');
        const slot = store.resolveSnapshot(args.arg('snapshot'));
        const snap = store.snapshots().find((s) => s.slot === slot)!;
        const what = `snapshot '${snap.name}' (slot ${slot}): ${plural(snap.exceptions, 'exception')}, ${snap.unique} of them its own (freed)`;
        if (args.flag('dry-run')) {
          con.result({ dryRun: true, snapshot: snap, freedChunks: snap.unique }, `would delete ${what}`);
          return;
        }
        requireWritable(store);
        await step(
          () => {
            shared.deleteSnapshot(slot);
            store.commit();
          },
          () => `deleted ${what}`,
        );
        con.result({ deleted: snap, freedChunks: snap.unique }, `deleted ${what}`);
      }),
    );
  },
};
