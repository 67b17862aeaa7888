import type { SnapshotInfo } from '../../../src-core/store.ts';
import type { Command } from '../command.ts';
import { withStore } from '../devices.ts';

export const snapshotList: Command = {
  name: 'snapshot list',
  summary: 'list the snapshots of a store',
  positionals: [{ name: 'cow', help: 'COW device or image' }],
  options: {},
  details: 'JSON: an array of {slot, name, uuid, created, exceptions, unique, shared, bytes}.',
  run: (args, con) =>
    withStore(args.arg('cow'), false, (store) => {
      const snaps = store.snapshots();
      con.result(snaps, () => (snaps.length ? snapshotTable(snaps).join('\n') : 'no snapshots'));
      // A damaged store still lists its snapshots; the damage goes to stderr (stdout stays the list).
      for (const n of store.info().notes.filter((x) => x.startsWith('tree damaged'))) con.note(`warning: ${n}`);
    }, { tolerateDamage: true }),
};

export function snapshotTable(snaps: readonly SnapshotInfo[]): string[] {
  const rows = [
    ['slot', 'name', 'uuid', 'created', 'exceptions', 'unique', 'shared'],
    ...snaps.map((s) => [String(s.slot), s.name || '-', s.uuid || '-', formatTime(s.created), String(s.exceptions), String(s.unique), String(s.shared)]),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd());
}

function formatTime(unixSeconds: number | null): string {
  return unixSeconds === null ? '-' : new Date(unixSeconds * 1000).toISOString().replace('.000Z', 'Z');
}
