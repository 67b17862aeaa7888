import { Job } from '../../../src-core/jobs/job.ts';
import { statsTask, type StoreStats } from '../../../src-core/stats/stats.ts';
import { COW, PROGRESS } from '../grammar.ts';
import type { Command } from '../command.ts';
import { withDevice } from '../devices.ts';
import { runCancellable, runJob } from '../run-job.ts';
import { formatSize } from '../size.ts';
import { plural } from '../plural.ts';

export const stats: Command = {
  name: 'stats',
  summary: 'statistics: per-snapshot exceptions and sharing, tree shape, free space, kernel usage',
  positionals: [COW],
  options: { ...PROGRESS },
  details: 'Counts only what check vouches for; a damaged store says how many problems it met (run check).',
  examples: [['stats /tmp/demo/shared.cow', 'per-snapshot sharing, tree shape, free space']],
  async run(args, con) {
    await withDevice(args.arg('cow'), 'COW', false, async (dev, noted) => {
      const task = statsTask(dev);
      const s = con.json ? await runCancellable(new Job(task)) : await runJob(task, con, args, noted);
      await noted;
      con.result(s, () => renderStats(s));
    });
  },
};

function renderStats(s: StoreStats): string {
  const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
  const lines = [`${s.format} store: ${s.chunkCount} chunks of ${formatSize(s.chunkBytes)}, ${plural(s.exceptions, 'exception')}`];
  lines.push('snapshots:', '  slot  exceptions  unique  shared  bytes      name');
  for (const p of s.snapshots) lines.push(`  ${String(p.slot).padEnd(4)}  ${String(p.exceptions).padEnd(10)}  ${String(p.unique).padEnd(6)}  ${String(p.shared).padEnd(6)}  ${formatSize(p.bytes).padEnd(9)}  ${p.name}`);
  // Buckets that hold nothing are left out (JSON keeps every one).
  const buckets = s.sharing.flatMap((n, k) => (k > 0 && n > 0 ? [`${k}:${n}`] : []));
  lines.push(`sharing: ${buckets.join(' ') || 'none'} (exceptions shared by k snapshots)`);
  // depth counts the leaf level too; info (and the header) count the index levels above it.
  if (s.tree && s.tree.depth === 0) lines.push('tree: unreadable (run check)');
  else if (s.tree) lines.push(`tree: ${plural(s.tree.depth - 1, 'level')}, ${plural(s.tree.nodes, 'node')} (${pct(s.tree.nodeFill)} full), ${plural(s.tree.leaves, 'leaf', 'leaves')} (${pct(s.tree.leafFill)} full)`);
  if (s.bitmap) lines.push(`free: ${plural(s.bitmap.free, 'chunk')} in ${plural(s.bitmap.freeRuns, 'run')} (largest ${s.bitmap.largestFreeRun})`);
  if (s.persistent) {
    const k = s.persistent.kernel;
    lines.push(`areas: ${s.persistent.areas} (${plural(s.persistent.exceptionsPerArea, 'exception')} each)`, `kernel status: ${k.allocatedSectors}/${k.totalSectors} ${k.metadataSectors}`);
  }
  if (s.errors + s.warnings) lines.push(`note: the walk met ${plural(s.errors, 'error')} and ${plural(s.warnings, 'warning')}; run check`);
  return lines.join('\n');
}
