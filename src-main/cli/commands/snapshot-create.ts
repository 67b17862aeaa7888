import { COW } from '../grammar.ts';
import type { Command } from '../command.ts';
import { requireWritable, withStore } from '../devices.ts';
import { createSnapshot } from '../snapshots.ts';
import { interruptibleStep } from '../interrupt.ts';

export const snapshotCreate: Command = {
  name: 'snapshot create',
  summary: 'create a snapshot of the origin in a shared store',
  positionals: [{ ...COW, help: 'COW device or image (shared store)' }],
  options: {
    name: { type: 'string', value: 'NAME', help: 'its name (not all digits, not origin or snap)' },
    slot: { type: 'integer', value: 'K', help: 'slot 0..63 (default: the lowest free one)' },
  },
  examples: [['snapshot create /tmp/demo/shared.cow --name before-kernel-update', 'a snapshot named before-kernel-update in the lowest free slot']],
  run: (args, con) =>
    interruptibleStep((step) =>
      withStore(args.arg('cow'), true, async (store) => {
        requireWritable(store);
        const name = args.string('name');
        const slot = args.number('slot');
        const said = (s: { name: string; slot: number; uuid: string }) => `created snapshot '${s.name}' in slot ${s.slot} (uuid ${s.uuid})`;
        const snap = await step(() => {
          const s = createSnapshot(store, { ...(name !== undefined && { name }), ...(slot !== undefined && { slot }) });
          store.commit();
          return s;
        }, said);
        con.result(snap, said(snap));
      }),
    ),
};
