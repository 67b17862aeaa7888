import type { StoreInfo } from '../../../src-core/store.ts';
import type { Command } from '../command.ts';
import { withStore } from '../devices.ts';
import { COW } from '../grammar.ts';
import { percentFull } from '../percent-full.ts';
import { formatSize } from '../size.ts';
import { snapshotTable } from './snapshot-list.ts';
import { plural } from '../plural.ts';

export const info: Command = {
  name: 'info',
  summary: 'show a store: format, header, geometry, usage, snapshots',
  positionals: [COW],
  options: {},
  details: 'JSON: the store info object; `exceptions` is the number of live exceptions (on a damaged persistent COW, those whose table entry is whole; `damage.rejected` counts the others). A damaged store still shows its header, usage and snapshots with the note "tree damaged: N errors ..., run snapscope check" ("table damaged" for a persistent COW); counts it cannot vouch for show as "?" (the JSON gives what the walk could prove) and its snapshots are marked "damaged".',
  examples: [
    ['info /tmp/demo/shared.cow', 'format, chunk size, usage and the snapshot table'],
    ['info /dev/vg/snap-cow --json', 'the same as one JSON document'],
  ],
  run: (args, con) =>
    withStore(args.arg('cow'), false, (store) => {
      const i = store.info();
      con.result(i, () => renderInfo(i));
    }, { tolerateDamage: true }),
};

function renderInfo(i: StoreInfo): string {
  const u = i.usage;
  const lines = [
    `${i.device}: ${i.format} exception store, version ${i.version}${i.valid ? '' : ', INVALID'}`,
    `  chunk size    ${formatSize(i.chunkBytes)} (${plural(i.chunkSectors, 'sector')})`,
    `  device        ${formatSize(i.deviceBytes)}, ${i.chunkCount} chunks`,
    `  usage         ${percentFull(i).toFixed(2)}% full: ${u.allocatedChunks}/${u.totalChunks} chunks allocated (${u.metadataChunks} metadata, ${u.dataChunks} data), ${u.freeChunks} free`,
    `  exceptions    ${i.damage ? `? (${i.exceptions} proven${rejected(i.damage.rejected)}; metadata damaged)` : i.exceptions}`,
  ];
  if (i.kernelStatus) {
    const k = i.kernelStatus;
    lines.push(`  kernel status ${k.allocatedSectors}/${k.totalSectors} ${k.metadataSectors} (allocated/total metadata, sectors)`);
  }
  if (i.tree) lines.push(`  tree          ${plural(i.tree.levels, 'level')}, ${plural(i.tree.nodes, 'node')}, ${plural(i.tree.leaves, 'leaf', 'leaves')}${i.damage ? ' readable (metadata damaged)' : ''}`);
  if (i.merge) lines.push(`  merge         of slot ${i.merge.slot} in progress${i.merge.total !== null ? `: ${i.merge.done ?? '?'}/${i.merge.total} chunks` : ''}`);
  const width = Math.max(...Object.keys(i.header).map((k) => k.length)) + 2;
  lines.push('header:', ...Object.entries(i.header).map(([k, v]) => `  ${k.padEnd(width)}${String(v)}`));
  lines.push(`snapshots (${i.snapshots.length}):`, ...(i.snapshots.length ? snapshotTable(i.snapshots).map((l) => '  ' + l) : ['  none']));
  if (i.notes.length) lines.push('notes:', ...i.notes.map((n) => `  ${n}`));
  return lines.join('\n');
}

function rejected(n: number | undefined): string {
  return n ? `, ${plural(n, 'table entry', 'table entries')} rejected as damaged` : '';
}
