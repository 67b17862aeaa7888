import type { SnapshotInfo } from '../../../src-core/store.ts';
import { COW } from '../grammar.ts';
import type { Command } from '../command.ts';
import { withStore } from '../devices.ts';
import { displayWidth, padEnd } from '../text-width.ts';

export const snapshotList: Command = {
  name: 'snapshot list',
  summary: 'list the snapshots of a store',
  positionals: [COW],
  options: {},
  details: 'JSON: {snapshots: [{slot, name, uuid, created, exceptions, unique, shared, bytes}]}. For chosen columns, sorting and units: snapscope ls.',
  examples: [['snapshot list /tmp/demo/shared.cow', 'slot, name, UUID, creation time and exception counts of each snapshot']],
  run: (args, con) =>
    withStore(args.arg('cow'), false, (store) => {
      const snaps = store.snapshots();
      con.result({ snapshots: snaps }, () => (snaps.length ? snapshotTable(snaps).join('\n') : 'no snapshots'));
      // A damaged store still lists its snapshots; the damage goes to stderr (stdout stays the list).
      for (const n of store.info().notes.filter((x) => /^(tree|table) damaged/.test(x))) con.note(`warning: ${n}`);
    }, { tolerateDamage: true }),
};

export function snapshotTable(snaps: readonly SnapshotInfo[]): string[] {
  const rows = [
    ['slot', 'name', 'uuid', 'created', 'exceptions', 'unique', 'shared'],
    ...snaps.map((s) => [String(s.slot), s.name || '-', s.uuid || '-', formatTime(s.created), String(s.exceptions), String(s.unique), String(s.shared)]),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => displayWidth(r[c]!))));
  return rows.map((r) => r.map((cell, c) => padEnd(cell, widths[c]!)).join('  ').trimEnd());
}

function formatTime(unixSeconds: number | null): string {
  return unixSeconds === null ? '-' : new Date(unixSeconds * 1000).toISOString().replace('.000Z', 'Z');
}
