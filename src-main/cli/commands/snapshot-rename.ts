import { COW, SNAPSHOT } from '../grammar.ts';
import type { Command } from '../command.ts';
import { requireWritable, withStore } from '../devices.ts';
import { requireShared } from '../../../src-core/formats.ts';
import { interruptibleStep } from '../interrupt.ts';

export const snapshotRename: Command = {
  name: 'snapshot rename',
  summary: 'rename a snapshot of a shared store',
  positionals: [{ ...COW, help: 'COW device or image (shared store)' }],
  options: {
    snapshot: { ...SNAPSHOT, required: true },
    name: { type: 'string', value: 'NAME', required: true, help: 'the new name' },
  },
  examples: [['snapshot rename /tmp/demo/shared.cow -s nightly --name nightly-old', 'rename nightly']],
  run: (args, con) =>
    interruptibleStep((step) =>
      withStore(args.arg('cow'), true, async (store) => {
        requireWritable(store);
        const shared = requireShared(store, 'rename a snapshot');
        const slot = store.resolveSnapshot(args.arg('snapshot'));
        const said = (s: { name: string }) => `renamed snapshot in slot ${slot} to '${s.name}'`;
        const snap = await step(() => {
          shared.renameSnapshot(slot, args.arg('name'));
          store.commit();
          return store.snapshots().find((s) => s.slot === slot)!;
        }, said);
        con.result(snap, said(snap));
      }),
    ),
};
