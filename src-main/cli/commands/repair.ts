import { SnapscopeError } from '../../../src-core/errors.ts';
import { applyRepair, nothingToRepair, planRepair, type RepairPlan } from '../../../src-core/repair/repair.ts';
import { backupPath, checkBackup, createBackup } from '../../host/access/backup-file.ts';
import { assertWouldWrite } from '../../host/access/inputs.ts';
import { isZero, planOutput } from '../../host/access/outputs.ts';
import type { FileDevice } from '../../host/file-device.ts';
import { CopyReader } from '../../host/copy-reader.ts';
import { COW } from '../grammar.ts';
import type { Args } from '../args.ts';
import type { Command } from '../command.ts';
import type { Console } from '../console.ts';
import { withDevice } from '../devices.ts';
import { interruptibleStep, withInterruptibleOutput, type Step } from '../interrupt.ts';
import { plural } from '../plural.ts';

export const repair: Command = {
  name: 'repair',
  summary: 'rebuild a consistent store from what can be trusted (to a new COW, or in place with a backup)',
  positionals: [{ ...COW, help: 'the damaged COW device or image (read)' }],
  options: {
    out: { type: 'string', value: 'F', help: 'write the repaired store to F, a file or device (a copy of the COW, data included); not the COW itself', complete: 'file' },
    'in-place': { type: 'boolean', help: 'repair the COW itself, after backing up every sector it rewrites' },
    backup: { type: 'string', value: 'F', help: 'backup file for --in-place (default <cow>.snapscope-backup; required for a block device)', complete: 'file' },
    force: { type: 'boolean', short: 'f', help: 'overwrite an --out that holds data, a store or a filesystem' },
    'dry-run': { type: 'boolean', short: 'n', help: 'say what would be kept and lost; write nothing' },
  },
  details: [
    'Shared: keeps every exception check accepts; where whole blocks are lost, searches the COW for leaves',
    'the tree no longer reaches (the newest consistent version wins); clears share bits outside the',
    'snapmask; rebuilds tree, labels and bitmap. Per snapshot: exceptions kept and origin chunks lost; a',
    'snapshot that lost any is marked damaged in its label (reads and merges then need --forensic).',
    'Persistent: keeps the longest valid prefix of the exception table.',
    '--out: a file is written beside the target and renamed into place at the end; a device must be at least as large.',
    '--in-place on a store with nothing to repair (checks clean, or the rewrite would put back the same bytes)',
    'writes nothing and takes no backup.',
    '--in-place: undo it with `snapscope backup-restore <cow> --backup F`; interrupted (a crash), it is undone when',
    'the COW is next opened for writing.',
    'Give exactly one of --out and --in-place, or --dry-run.',
    'A dry run refuses what the run would refuse: --in-place a COW in use or held; --out F that is an input, or exists and is held or locked.',
  ].join('\n'),
  examples: [
    ['repair /dev/vg/cow --dry-run', 'what would be kept and what lost'],
    ['repair /dev/vg/cow --out /srv/cow.repaired', 'a repaired copy; the damaged COW is only read'],
  ],
  async run(args, con) {
    const cowPath = args.arg('cow');
    const out = args.string('out');
    const inPlace = args.flag('in-place');
    const dryRun = args.flag('dry-run');
    if (!dryRun && (out === undefined) === !inPlace) throw new SnapscopeError('usage', 'give exactly one of --out F and --in-place (or --dry-run) (see: snapscope repair --help)');
    if (out !== undefined && inPlace) throw new SnapscopeError('usage', 'give --out F or --in-place, not both (see: snapscope repair --help)');
    // In place, Ctrl-C is taken before the rewrite or after it (it is one synchronous step); --out has its own.
    if (inPlace && !dryRun) await interruptibleStep((step) => repairCommand(args, con, step));
    else await repairCommand(args, con, null);
  },
};

async function repairCommand(args: Args, con: Console, step: Step | null): Promise<void> {
  const cowPath = args.arg('cow');
  const out = args.string('out');
  const inPlace = args.flag('in-place');
  const dryRun = args.flag('dry-run');
  // In place, the COW is held for writing from the plan to the last write: nobody changes it in between.
  // A dry run of that reads it, but says whether the real one would be refused.
  if (inPlace && dryRun) assertWouldWrite(cowPath, 'COW');
  await withDevice(cowPath, 'COW', inPlace && !dryRun, async (src, noted) => {
    const plan = planRepair(src);
    const summary = {
      errors: plan.report.errors,
      warnings: plan.report.warnings,
      kept: plan.kept.length,
      // Origin chunks lost, summed over snapshots (what `snapshots` lists one by one).
      lost: plan.perSnapshot.reduce((n, p) => n + p.lost, 0),
      losses: plan.losses,
      snapshots: plan.perSnapshot,
      notes: plan.notes,
      // The plan would write what is there already: in place, nothing is written and no backup taken.
      nothingToRepair: nothingToRepair(src, plan),
      written: 0,
      target: dryRun ? null : (out ?? cowPath),
      backup: null as string | null,
      overwrites: dryRun && out !== undefined ? wouldOverwrite(out, src, args.flag('force')) : null,
    };
    // The plan read the store while a reader's note was looked for: the note comes before the rest.
    await noted;
    if (!dryRun && out !== undefined) summary.written = await repairTo(src, plan, out, args.flag('force'));
    else if (!dryRun && summary.nothingToRepair) checkBackup(backupPath(cowPath, args.string('backup')), cowPath); // a bad --backup is still refused
    else if (!dryRun) {
      const backup = createBackup(backupPath(cowPath, args.string('backup')), cowPath);
      try {
        const undo = `old contents saved in ${backup.path}; undo with: snapscope backup-restore ${cowPath} --backup ${backup.path}`;
        summary.written = await step!(() => applyRepair(backup.wrap(src), plan, { undo: backup.undo }).written, () => `repaired store written to ${cowPath}; ${undo}`);
      } catch (e) {
        throw partial(e, backup.records, backup.path, cowPath);
      } finally {
        if (backup.records) summary.backup = backup.path;
        backup.close();
      }
    }
    con.result(summary, () => renderRepair(summary, dryRun ? 'dry-run' : inPlace ? 'in-place' : 'out'));
  });
}

/** Copies the COW to `out` (every byte: data chunks included), then repairs the copy; `out` is replaced only on success. */
function repairTo(src: FileDevice, plan: RepairPlan, outPath: string, force: boolean): Promise<number> {
  const rules = { inputs: [src.name], force, bytes: src.size, protect: 'data' as const, sameHint: '; to repair it where it is, use --in-place (it keeps a backup)' };
  return withInterruptibleOutput(outPath, rules, async (out, stop) => {
    const dev = out.device(src.size);
    const buf = new Uint8Array(1 << 20);
    const reader = new CopyReader(src);
    try {
      for (let at = 0; at < src.size; at += buf.length) {
        const piece = buf.subarray(0, Math.min(buf.length, src.size - at));
        reader.read(at, piece);
        if (out.kind === 'block' || !isZero(piece)) dev.write(at, piece); // a new file reads zeros in its holes
        await stop.pause();
      }
    } finally {
      reader.close();
    }
    const written = applyRepair(dev, plan).written;
    dev.flush();
    return written;
  });
}

/**
 * For --dry-run --out: what writing `out` would overwrite. The refusals still apply: an input is
 * never a target, and one that exists is refused as the run's open for writing would refuse it
 * (held by a reader or writer, a flock, another program's lock).
 */
function wouldOverwrite(out: string, src: FileDevice, force: boolean): string {
  const plan = planOutput(out, { inputs: [src.name], force: true, bytes: src.size, protect: 'data', sameHint: '; to repair it where it is, use --in-place (it keeps a backup)' });
  if (plan.target.kind === 'file' || plan.target.kind === 'block') assertWouldWrite(out, 'output');
  return `${plan.action}${plan.holdsData && !force ? ' (needs --force)' : ''}`;
}

/** A failed in-place write: what was changed and how to undo it. */
function partial(e: unknown, records: number, backup: string, cow: string): unknown {
  // Cancelled: before the rewrite (no record) or after all of it (interruptibleStep says which).
  if (!(e instanceof SnapscopeError) || records === 0 || e.code === 'cancelled') return e;
  return new SnapscopeError(e.code, `${e.message}; ${cow} was partly rewritten (${plural(records, 'area')}); undo with: snapscope backup-restore ${cow} --backup ${backup}`, e.where);
}

function renderRepair(
  s: {
    errors: number;
    warnings: number;
    kept: number;
    lost: number;
    losses: RepairPlan['losses'];
    snapshots: RepairPlan['perSnapshot'];
    notes: string[];
    nothingToRepair: boolean;
    target: string | null;
    backup: string | null;
    overwrites: string | null;
  },
  mode: 'dry-run' | 'out' | 'in-place',
): string {
  const lines = [`${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')} found; ${plural(s.kept, 'exception')} kept, ${plural(s.lost, 'origin chunk')} lost`];
  for (const p of s.snapshots) {
    const mark = p.damaged ? ': marked damaged, reads and merges need --forensic' : '';
    lines.push(`  snapshot ${p.slot}${p.name ? ` (${p.name})` : ''}: ${plural(p.kept, 'exception')} kept, ${plural(p.lost, 'origin chunk')} lost${mark}`);
  }
  for (const l of s.losses) {
    const origins = l.first === l.last ? `origin chunk ${l.first}` : `origin chunks ${l.first}..${l.last === null || l.last === Infinity ? 'end' : l.last}`;
    lines.push(`  damaged: ${origins}, snapshots ${l.slots.join(',') || 'none'} (${l.why})`);
  }
  for (const n of s.notes) lines.push(`  note: ${n}`);
  if (s.overwrites) lines.push(`--out would ${s.overwrites}`);
  if (mode === 'dry-run') lines.push(`${s.nothingToRepair ? 'nothing to repair; ' : ''}dry run: nothing written`);
  else if (mode === 'in-place' && s.nothingToRepair) lines.push(`nothing to repair: ${s.target} was left as it was (no backup taken)`);
  else lines.push(`repaired store written to ${s.target}`);
  if (s.backup) lines.push(`old contents saved in ${s.backup}; undo with: snapscope backup-restore ${s.target} --backup ${s.backup}`);
  return lines.join('\n');
}
