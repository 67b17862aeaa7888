import fs from 'node:fs';
import { SnapscopeError } from '../../../src-core/errors.ts';
import type { BlockDevice } from '../../../src-core/io/block-device.ts';
import { BackupDevice } from '../../../src-core/repair/backup-device.ts';
import { applyRepair, planRepair, type RepairPlan } from '../../../src-core/repair/repair.ts';
import type { Command } from '../command.ts';
import { openDevice } from '../devices.ts';

export const repair: Command = {
  name: 'repair',
  summary: 'rebuild a consistent store from what can be trusted (to a new COW, or in place with a backup)',
  positionals: [{ name: 'cow', help: 'the damaged COW device or image (read)' }],
  options: {
    out: { type: 'string', value: 'F', help: 'write the repaired store to F (a copy of the COW, data included)' },
    'in-place': { type: 'boolean', help: 'repair the COW itself, after backing up every sector it rewrites' },
    backup: { type: 'string', value: 'F', help: 'backup file for --in-place (default <cow>.snapscope-backup)' },
    'dry-run': { type: 'boolean', help: 'say what would be kept and lost; write nothing' },
  },
  details: [
    'Shared: keeps every exception check accepts; where whole blocks are lost, searches the COW for leaves',
    'the tree no longer reaches (the newest consistent version wins); clears share bits outside the',
    'snapmask; rebuilds tree, labels and bitmap. Per snapshot: exceptions kept and origin chunks lost; a',
    'snapshot that lost any is marked damaged in its label (reads and merges then need --force).',
    'Persistent: keeps the longest valid prefix of the exception table.',
    'Backup file: "SSBK" then records {le64 offset, le32 length, bytes}: the old contents, to undo with dd.',
  ].join('\n'),
  async run(args, con) {
    const cowPath = args.arg('cow');
    const out = args.string('out');
    const inPlace = args.flag('in-place');
    const dryRun = args.flag('dry-run');
    if (!dryRun && (out === undefined) === !inPlace) throw new SnapscopeError('usage', 'give exactly one of --out F and --in-place (or --dry-run) (see: snapscope repair --help)');
    const src = openDevice(cowPath, 'COW', false);
    let plan: RepairPlan;
    try {
      plan = planRepair(src);
    } finally {
      src.close();
    }
    const summary = {
      errors: plan.report.errors,
      warnings: plan.report.warnings,
      kept: plan.kept.length,
      // Origin chunks lost, summed over snapshots (what `snapshots` lists one by one).
      lost: plan.perSnapshot.reduce((n, p) => n + p.lost, 0),
      losses: plan.losses,
      snapshots: plan.perSnapshot,
      notes: plan.notes,
      written: 0,
      target: dryRun ? null : (out ?? cowPath),
    };
    if (!dryRun) {
      if (out !== undefined) fs.copyFileSync(cowPath, out);
      const target = openDevice(out ?? cowPath, 'COW', true);
      const backup = inPlace ? openBackup(args.string('backup') ?? `${cowPath}.snapscope-backup`) : null;
      try {
        summary.written = applyRepair(backup ? backup.wrap(target) : target, plan).written;
      } finally {
        backup?.close();
        target.close();
      }
    }
    con.result(summary, () => renderRepair(summary, dryRun));
  },
};

function renderRepair(
  s: { errors: number; warnings: number; kept: number; lost: number; losses: RepairPlan['losses']; snapshots: RepairPlan['perSnapshot']; notes: string[]; target: string | null },
  dryRun: boolean,
): string {
  const lines = [`${s.errors} errors, ${s.warnings} warnings found; ${s.kept} exceptions kept, ${s.lost} origin chunk${s.lost === 1 ? '' : 's'} lost`];
  for (const p of s.snapshots) {
    const mark = p.damaged ? `: marked damaged, reads and merges need --force` : '';
    lines.push(`  snapshot ${p.slot}${p.name ? ` (${p.name})` : ''}: ${p.kept} exceptions kept, ${p.lost} origin chunk${p.lost === 1 ? '' : 's'} lost${mark}`);
  }
  for (const l of s.losses) {
    const origins = l.first === l.last ? `origin chunk ${l.first}` : `origin chunks ${l.first}..${l.last === null || l.last === Infinity ? 'end' : l.last}`;
    lines.push(`  damaged: ${origins}, snapshots ${l.slots.join(',') || 'none'} (${l.why})`);
  }
  for (const n of s.notes) lines.push(`  note: ${n}`);
  lines.push(dryRun ? 'dry run: nothing written' : `repaired store written to ${s.target}`);
  return lines.join('\n');
}

/** A backup file of records {le64 offset, le32 length, old bytes}, written before each overwrite. */
export function openBackup(path: string): { wrap(dev: BlockDevice): BackupDevice; close(): void } {
  const fd = fs.openSync(path, 'wx');
  fs.writeSync(fd, Buffer.from('SSBK'));
  return {
    wrap: (dev) =>
      new BackupDevice(dev, (offset, old) => {
        const head = Buffer.alloc(12);
        head.writeBigUInt64LE(BigInt(offset), 0);
        head.writeUInt32LE(old.length, 8);
        fs.writeSync(fd, head);
        fs.writeSync(fd, old);
        fs.fsyncSync(fd);
      }),
    close: () => fs.closeSync(fd),
  };
}
