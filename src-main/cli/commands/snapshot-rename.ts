import { COW, SNAPSHOT } from '../grammar.ts';
import type { Command } from '../command.ts';
import { requireWritable, withStore } from '../devices.ts';
import { requireShared } from '../../../src-core/formats.ts';

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
    withStore(args.arg('cow'), true, (store) => {
      requireWritable(store);
      const shared = requireShared(store, 'rename a snapshot');
      const slot = store.resolveSnapshot(args.arg('snapshot'));
      shared.renameSnapshot(slot, args.arg('name'));
      store.commit();
      const snap = store.snapshots().find((s) => s.slot === slot)!;
      con.result(snap, `renamed snapshot in slot ${slot} to '${snap.name}'`);
    }),
};
