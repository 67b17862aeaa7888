import type { Command } from '../command.ts';
import { requireWritable, withStore } from '../devices.ts';
import { sharedStore } from '../snapshots.ts';

export const snapshotRename: Command = {
  name: 'snapshot rename',
  summary: 'rename a snapshot of a shared store',
  positionals: [
    { name: 'cow', help: 'COW device or image (shared store)' },
    { name: 'snap', help: 'the snapshot: slot, name or UUID' },
    { name: 'name', help: 'the new name' },
  ],
  options: {},
  run: (args, con) =>
    withStore(args.arg('cow'), true, (store) => {
      requireWritable(store);
      const shared = sharedStore(store, 'rename a snapshot');
      const slot = store.resolveSnapshot(args.arg('snap'));
      shared.renameSnapshot(slot, args.arg('name'));
      store.commit();
      const snap = store.snapshots().find((s) => s.slot === slot)!;
      con.result(snap, `renamed snapshot in slot ${slot} to '${snap.name}'`);
    }),
};
