import type { SnapshotInfo } from '../../../src-core/store.ts';
import { COW } from '../grammar.ts';
import type { Command } from '../command.ts';
import { withStore } from '../devices.ts';
import { displayWidth, padEnd } from '../text-width.ts';
import { plural } from '../plural.ts';

export const snapshotList: Command = {
  name: 'snapshot list',
  summary: 'list the snapshots of a store',
  positionals: [COW],
  options: {},
  details: 'JSON: {snapshots: [{slot, name, uuid, created, exceptions, unique, shared, bytes, lost?, damaged?}]}. A damaged store shows "?" for the counts of each snapshot it cannot count (marked "damaged"; the JSON gives what could be proven), a snapshot a repair could not wholly recover is marked "N chunks lost". For chosen columns, sorting and units: snapscope ls.',
  examples: [['snapshot list /tmp/demo/shared.cow', 'slot, name, UUID, creation time and exception counts of each snapshot']],
  run: (args, con) =>
    withStore(args.arg('cow'), false, (store) => {
      const snaps = store.snapshots();
      con.result({ snapshots: snaps }, () => (snaps.length ? snapshotTable(snaps).join('\n') : 'no snapshots'));
      // A damaged store still lists its snapshots; the damage goes to stderr (stdout stays the list).
      for (const n of store.info().notes.filter((x) => /^(tree|table) damaged/.test(x))) con.note(`warning: ${n}`);
    }, { tolerateDamage: true }),
};

/**
 * The snapshot table of `info` and `snapshot list`. Snapshots with a mark (as the UI's badges) get
 * a `mark` column and a legend: a damaged store's counts are only what its walk could prove, so
 * they show as "?" instead of a number that reads as "empty".
 */
export function snapshotTable(snaps: readonly SnapshotInfo[]): string[] {
  const marked = snaps.some((s) => snapshotMark(s) !== '');
  const rows = [
    ['slot', 'name', 'uuid', 'created', 'exceptions', 'unique', 'shared', ...(marked ? ['mark'] : [])],
    ...snaps.map((s) => [
      String(s.slot),
      s.name || '-',
      s.uuid || '-',
      formatTime(s.created),
      ...(s.damaged ? ['?', '?', '?'] : [String(s.exceptions), String(s.unique), String(s.shared)]),
      ...(marked ? [snapshotMark(s)] : []),
    ]),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => displayWidth(r[c]!))));
  const table = rows.map((r) => r.map((cell, c) => padEnd(cell, widths[c]!)).join('  ').trimEnd());
  if (snaps.some((s) => s.damaged)) table.push("? damaged: blocks that may hold the snapshot's exceptions cannot be read, so its counts are unknown (--json: what could be proven); run snapscope check");
  if (snaps.some((s) => s.lost !== undefined)) table.push('chunks lost: a repair could not recover them; reads and merges of the snapshot need --forensic');
  return table;
}

/** "damaged", "N chunks lost", both, or "" (the mark column; ls's state). */
export function snapshotMark(s: SnapshotInfo): string {
  const lost = s.lost === undefined ? '' : s.lost === 0xffffffff ? 'chunks lost' : `${plural(s.lost, 'chunk')} lost`;
  return [s.damaged ? 'damaged' : '', lost].filter(Boolean).join(', ');
}

function formatTime(unixSeconds: number | null): string {
  return unixSeconds === null ? '-' : new Date(unixSeconds * 1000).toISOString().replace('.000Z', 'Z');
}
