/**
 * What `snapscope watch` and the live panel show at each poll: per dm snapshot its fill and time
 * to overflow, per snapshot-merge its progress, and the moments worth an alert (crossing the
 * warning threshold, the kernel invalidating it) — each reported once, as dmeventd would act once.
 */
import type { SnapshotState, SnapshotStatus, SnapshotTable, SnapshotUsage } from './dm-target.ts';
import { FillTracker, type FillEstimate } from './fill-tracker.ts';
import { MergeTracker, type MergeEstimate } from './merge-tracker.ts';

export interface WatchedTarget {
  name: string;
  kind: 'snapshot' | 'snapshot-merge';
  chunkSectors: number;
  status: SnapshotStatus;
}

/**
 * The targets a watch follows, from what discovery found: snapshots and merges that report a
 * status (a snapshot-origin reports nothing; a target whose status line went missing is skipped).
 */
export function watchedTargets(found: readonly { name: string; table: SnapshotTable; status: SnapshotStatus | null }[]): WatchedTarget[] {
  return found.flatMap((t) => (t.table.kind !== 'snapshot-origin' && t.status ? [{ name: t.name, kind: t.table.kind, chunkSectors: t.table.chunkSectors!, status: t.status }] : []));
}

export type WatchAlert = 'warn' | 'invalid' | 'merge-finished';

export interface WatchRow {
  name: string;
  kind: 'snapshot' | 'snapshot-merge';
  state: SnapshotState;
  usage: SnapshotUsage | null;
  fill: FillEstimate | null;
  merge: MergeEstimate | null;
  /** Set on the one poll where it happened. */
  alert: WatchAlert | null;
}

interface Tracked {
  kind: WatchedTarget['kind'];
  fill: FillTracker;
  merge: MergeTracker;
  warned: boolean;
  state: SnapshotState;
  finished: boolean;
}

export class SnapshotWatch {
  private readonly tracked = new Map<string, Tracked>();

  constructor(private readonly warnPercent = 80) {}

  update(at: number, targets: readonly WatchedTarget[]): WatchRow[] {
    const seen = new Set<string>();
    const rows = targets.map((t) => {
      seen.add(t.name);
      return this.row(at, t);
    });
    for (const name of this.tracked.keys()) if (!seen.has(name)) this.tracked.delete(name); // removed: forget its rate
    return rows;
  }

  private row(at: number, t: WatchedTarget): WatchRow {
    let s = this.tracked.get(t.name);
    if (!s || s.kind !== t.kind) {
      // A snapshot reloaded as snapshot-merge starts a new story.
      s = { kind: t.kind, fill: new FillTracker(t.chunkSectors, this.warnPercent), merge: new MergeTracker(t.chunkSectors), warned: false, state: 'active', finished: false };
      this.tracked.set(t.name, s);
    }
    const usage = t.status.usage ?? null;
    let alert: WatchAlert | null = null;
    if (t.status.state !== 'active' && t.status.state !== 'Unknown' && s.state !== t.status.state) alert = 'invalid';
    s.state = t.status.state;
    let fill: FillEstimate | null = null;
    let merge: MergeEstimate | null = null;
    if (usage && t.kind === 'snapshot') {
      fill = s.fill.add(at, usage);
      if (fill.warn && !s.warned) alert ??= 'warn';
      s.warned = fill.warn; // re-armed once usage falls back below the threshold (extended)
    } else if (usage) {
      merge = s.merge.add(at, usage);
      if (merge.finished && !s.finished) alert ??= 'merge-finished';
      s.finished = merge.finished;
    }
    return { name: t.name, kind: t.kind, state: t.status.state, usage, fill, merge, alert };
  }
}
