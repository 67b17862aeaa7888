import type { JobInfo } from '../../../src-core/api/contract.ts';

/** The shared merge's stages under the names the Merge view gives them elsewhere ("Written to the origin"). */
const STAGE_NAMES: Record<string, string> = { 'copies for other snapshots': 'Copied for the other snapshots', 'onto the origin': 'Written to the origin' };

/** "Copied for the other snapshots: 172 KiB of 172 KiB · Written to the origin: 0 B of 201 KiB". */
export function stageLine(stages: NonNullable<JobInfo['progress']['stages']>): string {
  return stages.map((s) => `${STAGE_NAMES[s.name] ?? s.name}: ${formatBytes(s.done)} of ${formatBytes(s.total)}`).join(' · ');
}
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
  const where = at ? (at[2] ? `, at origin chunks ${formatCount(Number(at[1]))}–${formatCount(Number(at[2]))}` : `, at origin chunk ${formatCount(Number(at[1]))}`) : '';
  const doing = job.state === 'running' ? 'Copying' : job.state === 'paused' ? 'Paused copying' : 'Stopped copying';
  return `${doing} ${snapshot}'s data onto the origin${where} · ${formatCount(left)} chunk${left === 1 ? '' : 's'} (${formatBytes(left * chunkBytes)}) left`;
}
