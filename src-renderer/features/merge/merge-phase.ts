import type { JobInfo } from '../../../src-core/api/contract.ts';
import { formatBytes, formatCount } from '../../viz/format.ts';

/**
 * What a merge is doing, in the user's words, the same for both formats: whose data goes onto the
 * origin, where it is now, how much is left. The engine's `current` ("origin 8..15 <- COW 40..47
 * (entries 3..10)", "origin 8..15") gives where; its first origin range is all that is shown.
 */
export function mergePhase(job: JobInfo, snapshot: string, chunkBytes: number): string {
  const p = job.progress;
  const onto = p.stages?.find((s) => s.name === 'onto the origin');
  // The shared merge counts bytes per stage (resumed runs included), the persistent one chunks.
  const [done, total] = onto && chunkBytes > 0 ? [onto.done / chunkBytes, onto.total / chunkBytes] : [p.done, p.total];
  if (job.state === 'done') return `${snapshot}'s data is on the origin: ${formatCount(total)} chunk${total === 1 ? '' : 's'}`;
  const left = Math.max(0, Math.round(total - done));
  const at = /^origin (\d+)(?:\.\.(\d+))?/.exec(p.current ?? '');
  const where = at ? (at[2] ? `, now origin chunks ${formatCount(Number(at[1]))}–${formatCount(Number(at[2]))}` : `, now origin chunk ${formatCount(Number(at[1]))}`) : '';
  return `Copying ${snapshot}'s data onto the origin${where} · ${formatCount(left)} chunk${left === 1 ? '' : 's'} (${formatBytes(left * chunkBytes)}) left`;
}
