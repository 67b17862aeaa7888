/**
 * stats: what a store holds, computed on the checker's walk (so it works on damaged stores too,
 * counting only what check vouches for): per-snapshot exceptions, sharing, tree shape and fill,
 * bitmap free space and fragmentation; for persistent stores the areas and the kernel's usage.
 */
import type { KernelStatus, StoreFormat } from '../store.ts';
import { PersistentWalk } from '../walk/persistent.ts';
import { SharedWalk } from '../walk/shared.ts';
import { SECTOR_BYTES, type BlockDevice } from '../io/block-device.ts';
import type { Task } from '../jobs/job.ts';
import { detectFormat } from '../open.ts';
import { popcount32 } from '../shared/mask.ts';
import { FreeSpaceCount } from './free-space.ts';
import { SnapscopeError } from '../errors.ts';
import type { CheckReport } from '../walk/findings.ts';

/** What a store holds (the engine's type; api/dto.ts carries it as is). */
export interface StoreStats {
  format: StoreFormat;
  chunkBytes: number;
  chunkCount: number;
  exceptions: number;
  /** Exceptions each snapshot reads, of which only it (unique) or others too (shared); bytes. */
  snapshots: { slot: number; name: string; exceptions: number; unique: number; shared: number; bytes: number }[];
  /** sharing[k]: exceptions read by exactly k snapshots (index 0 unused). */
  sharing: number[];
  /** Shared store: depth, block counts, average fill (0..1). */
  tree: { depth: number; nodes: number; leaves: number; nodeFill: number; leafFill: number } | null;
  /** Shared store: free chunks and their fragmentation. */
  bitmap: { free: number; freeRuns: number; largestFreeRun: number } | null;
  /** Persistent store: areas in use and `dmsetup status` figures. */
  persistent: { areas: number; exceptionsPerArea: number; kernel: KernelStatus } | null;
  /** Problems the walk met (run check for the details). */
  errors: number;
  warnings: number;
}

export type SnapshotStats = StoreStats['snapshots'][number];

export function statsTask(cow: BlockDevice): Task<StoreStats> {
  return detectFormat(cow) === 'shared' ? sharedStats(cow) : persistentStats(cow);
}

function sharedStats(cow: BlockDevice): Task<StoreStats> {
  const perSlot = { exceptions: new Array<number>(64).fill(0), unique: new Array<number>(64).fill(0) };
  const sharing = new Array<number>(65).fill(0);
  let depth = 0;
  let nodeUsed = 0;
  let nodeCap = 0;
  let leafUsed = 0;
  let leafCap = 0;
  let freeSpace: FreeSpaceCount | null = null;
  const check = new SharedWalk(cow, {
    exception(_origin, _chunk, lo, hi) {
      const n = popcount32(lo) + popcount32(hi);
      sharing[n]!++;
      for (let half = 0; half < 2; half++) {
        for (let bits = half ? hi : lo; bits !== 0; bits &= bits - 1) {
          const slot = half * 32 + 31 - Math.clz32(bits & -bits);
          perSlot.exceptions[slot]!++;
          if (n === 1) perSlot.unique[slot]!++;
        }
      }
    },
    block(_chunk, kind, level, used, capacity) {
      depth = Math.max(depth, level + 1);
      if (kind === 'node') [nodeUsed, nodeCap] = [nodeUsed + used, nodeCap + capacity];
      else [leafUsed, leafCap] = [leafUsed + used, leafCap + capacity];
    },
    bitmap(index, bytes) {
      const g = check.geometry!;
      freeSpace ??= new FreeSpaceCount(g.chunkBytes, g.chunkCount);
      freeSpace.add(index, bytes);
    },
  });
  return {
    step: () => check.step(),
    progress: () => check.progress(),
    result(): StoreStats {
      const r = check.result();
      const g = check.geometry;
      if (!g) throw unreadableHeader(r);
      const names = new Map(check.labels.map((l) => [l.slot, l.name]));
      const snapshots: SnapshotStats[] = [];
      for (let slot = 0; slot < 64; slot++) {
        if (!(((slot < 32 ? g.snapLo : g.snapHi) >>> (slot & 31)) & 1)) continue;
        const e = perSlot.exceptions[slot]!;
        const u = perSlot.unique[slot]!;
        snapshots.push({ slot, name: names.get(slot) ?? '', exceptions: e, unique: u, shared: e - u, bytes: e * r.chunkBytes });
      }
      const walk = check.walk;
      return {
        format: 'shared',
        chunkBytes: r.chunkBytes,
        chunkCount: r.chunkCount,
        exceptions: r.exceptions,
        snapshots,
        sharing: trim(sharing),
        tree: walk ? { depth, nodes: walk.nodes, leaves: walk.leaves, nodeFill: nodeCap ? nodeUsed / nodeCap : 0, leafFill: leafCap ? leafUsed / leafCap : 0 } : null,
        bitmap: freeSpace?.result() ?? null,
        persistent: null,
        errors: r.errors,
        warnings: r.warnings,
      };
    },
  };
}

function persistentStats(cow: BlockDevice): Task<StoreStats> {
  const check = new PersistentWalk(cow);
  return {
    step: () => check.step(),
    progress: () => check.progress(),
    result(): StoreStats {
      const r = check.result();
      const geo = check.geometry;
      if (!geo) throw unreadableHeader(r);
      const { nextFree, currentArea } = check.kernelCursor();
      const sectors = geo.chunkSectors;
      // A damaged table's rejected entries are no exceptions (info and the engine's open agree).
      const n = check.wholeEntries;
      return {
        format: 'persistent',
        chunkBytes: r.chunkBytes,
        chunkCount: r.chunkCount,
        exceptions: n,
        snapshots: [{ slot: 0, name: 'snap', exceptions: n, unique: n, shared: 0, bytes: n * r.chunkBytes }],
        sharing: [0, n],
        tree: null,
        bitmap: null,
        persistent: {
          areas: currentArea + 1,
          exceptionsPerArea: geo.exceptionsPerArea,
          kernel: { allocatedSectors: nextFree * sectors, totalSectors: Math.floor(cow.size / SECTOR_BYTES), metadataSectors: (currentArea + 2) * sectors },
        },
        errors: r.errors,
        warnings: r.warnings,
      };
    },
  };
}

/** Without the header's geometry there is nothing to count: the first error says why, as info's open does. */
function unreadableHeader(r: CheckReport): SnapscopeError {
  const f = r.findings.find((x) => x.severity === 'error');
  const why = f ? `${f.message} (chunk ${f.chunk}) [${f.kind}]` : 'the header cannot be read';
  return new SnapscopeError('corrupt', `${r.device}: ${why}; no statistics without the header (run snapscope check)`, { device: r.device });
}

function trim(a: number[]): number[] {
  let n = a.length;
  while (n > 2 && a[n - 1] === 0) n--;
  return a.slice(0, n);
}
