/**
 * repair: rebuild a consistent store from what the checker can vouch for. Shared stores keep
 * every exception the tolerant walk accepted (share bits outside the snapmask cleared) and get a
 * fresh tree, labels and a bitmap rebuilt from them; persistent stores keep the longest valid
 * prefix of the table. planRepair only reads (that is --dry-run) and runs restore's validation
 * pass on the plan, so a plan it returns is one applyRepair can write; applyRepair writes it.
 */
import { PersistentWalk } from '../walk/persistent.ts';
import { SharedWalk } from '../walk/shared.ts';
import { LeafView } from '../shared/format/leaf.ts';
import { LOST_UNKNOWN } from '../shared/format/label.ts';
import { salvage, searchLostRanges, type LostRange } from './search.ts';
import type { CheckReport } from '../walk/findings.ts';
import type { FindingKind } from '../walk/kinds.ts';
import { SnapscopeError, isSnapscopeError } from '../errors.ts';
import type { BlockDevice } from '../io/block-device.ts';
import { runToEnd } from '../jobs/job.ts';
import { detectFormat } from '../open.ts';
import { SHARED_VERSION } from '../shared/format/header.ts';
import { slotsOfHalves } from '../shared/mask.ts';
import { SNAPSHOT_DISK_VERSION } from '../persistent/format.ts';
import { ExceptionList } from '../ir/exception-list.ts';
import type { DumpHeader } from '../ir/model.ts';
import { checkRestorable, restore, type RestoreOptions } from '../ir/restore.ts';
import type { BuildResult } from '../ir/shared-builder.ts';
import { ForwardingDevice } from '../io/forwarding-device.ts';
import { OverlayDevice } from '../io/overlay-device.ts';

/** Origins first..last lost the exceptions of the snapshots in `slots`. */
export interface Loss {
  first: number;
  last: number;
  slots: number[];
  why: FindingKind;
}

export interface RepairPlan {
  report: CheckReport;
  header: DumpHeader;
  kept: ExceptionList;
  losses: Loss[];
  /** Losses past the first MAX_LOSSES are counted only. */
  lossCount: number;
  /** What the rebuilt store carries over besides exceptions and labels (a merge or delete in progress). */
  notes: string[];
  /** Per snapshot: exceptions kept, origin chunks lost (a snapshot that lost any is marked damaged). */
  perSnapshot: SnapshotRepair[];
}

export interface SnapshotRepair {
  slot: number;
  name: string;
  kept: number;
  lost: number;
  /** Marked damaged in its label (by this repair or an earlier one): reads and merges need force. */
  damaged: boolean;
}

const MAX_LOSSES = 10_000;
const FATAL: readonly FindingKind[] = ['s-header-corrupt', 's-header-chunk-size', 'p-header-chunk-size'];
/** A whole leaf the walk could not use: its salvaged content counts what each snapshot lost. */
const LEAF_KINDS: readonly FindingKind[] = ['s-leaf-magic', 's-leaf-version', 's-leaf-count', 's-leaf-map-offset', 's-leaf-map-overlap'];

export function planRepair(cow: BlockDevice): RepairPlan {
  const plan = detectFormat(cow) === 'shared' ? planShared(cow) : planPersistent(cow);
  try {
    checkRestorable(plan.header, plan.kept);
  } catch (e) {
    // The kept content always passes the builders' validation; only room can be missing.
    if (isSnapscopeError(e) && e.code === 'no-space') throw new SnapscopeError('no-space', `cannot repair ${cow.name}: ${e.message}`, { device: cow.name });
    throw e;
  }
  return plan;
}

/**
 * Writes the plan with restore's builders, which rebuild a shared store beside the chunks the
 * damaged one uses and switch with the header write (ir/live-store.ts), and mark a persistent one
 * with `opts.undo` before overwriting its table (persistent/restore-intent.ts): an interrupted
 * repair in place leaves the store as it was (after the undo at the next open) or repaired.
 */
export function applyRepair(target: BlockDevice, plan: RepairPlan, opts: RestoreOptions = {}): BuildResult {
  return restore(target, plan.header, plan.kept, opts);
}

/**
 * Whether writing `plan` over `cow` would leave it as it is (thin_repair, e2fsck -p: nothing to
 * repair, so nothing written and no backup taken). A store the check finds clean, with nothing
 * lost, holds what the plan holds: a shared rebuild would only move its tree and bitmap. Otherwise
 * (a warning, such as a persistent store the kernel invalidated) the plan is written to an
 * overlay in memory and every byte it wrote compared with what is there.
 */
export function nothingToRepair(cow: BlockDevice, plan: RepairPlan): boolean {
  if (plan.lossCount > 0 || plan.report.errors > 0) return false;
  if (plan.report.warnings === 0) return true;
  const overlay = new OverlayDevice(cow);
  const written: [number, number][] = [];
  const recorder = new (class extends ForwardingDevice {
    override write(offset: number, src: Uint8Array): void {
      written.push([offset, src.length]);
      super.write(offset, src);
    }
  })(overlay);
  try {
    applyRepair(recorder, plan);
    for (const [offset, length] of written) {
      const now = new Uint8Array(length);
      const then = new Uint8Array(length);
      overlay.read(offset, now);
      cow.read(offset, then);
      if (!now.every((b, i) => b === then[i])) return false;
    }
    return true;
  } finally {
    overlay.close();
  }
}

function refuseFatal(report: CheckReport, cow: BlockDevice): void {
  const fatal = report.findings.find((f) => FATAL.includes(f.kind));
  if (fatal) throw new SnapscopeError('unsupported', `cannot repair ${cow.name}: ${fatal.message}`, { device: cow.name, chunk: 0 });
}

function planShared(cow: BlockDevice): RepairPlan {
  const walked = new ExceptionList();
  const losses: Loss[] = [];
  let lossCount = 0;
  const ranges: LostRange[] = [];
  const badLeaves: number[] = [];
  const broken = new Set<number>();
  const lostOrigins = new Map<number, Set<number>>();
  const lose = (slot: number, origin: number) => {
    let set = lostOrigins.get(slot);
    if (!set) lostOrigins.set(slot, (set = new Set()));
    set.add(origin);
  };
  const check = new SharedWalk(cow, {
    exception: (origin, chunk, lo, hi) => walked.push(origin, chunk, lo, hi),
    lost: (first, last, lo, hi, why, block) => {
      if (lossCount++ < MAX_LOSSES) losses.push({ first, last, slots: slotsOfHalves(lo, hi), why });
      if (block === null) for (const s of slotsOfHalves(lo, hi)) lose(s, first);
      else ranges.push({ first, last });
      if (block !== null && block >= 0) broken.add(block);
      if (block !== null && block >= 0 && LEAF_KINDS.includes(why)) badLeaves.push(block);
    },
  });
  const report = runToEnd(check);
  refuseFatal(report, cow);
  const h = check.header!;
  const g = check.geometry!;
  // No tree to walk at all (tree_level unusable): every origin is in the lost range.
  if (!check.walk) ranges.push({ first: 0, last: Infinity });
  let kept = dropDuplicateChunks(walked, report, lose);
  let recovered = 0;
  if (ranges.length) {
    const found = searchLostRanges(cow, g, check.refs, broken, ranges);
    const buf = new Uint8Array(g.chunkBytes);
    for (const chunk of badLeaves) {
      cow.read(chunk * g.chunkBytes, buf);
      for (const [origin, slots] of salvage(new LeafView(chunk, buf), g)) found.salvaged.set(origin, slots);
    }
    for (const [slot, origins] of found.lostOrigins) for (const o of origins) lose(slot, o);
    recovered = found.found.length / 4;
    kept = mergeSorted(kept, found.found);
    // What a bad leaf showed is lost for each snapshot, unless the search gave back the same copy.
    const back = new Map<string, number>();
    for (let i = 0; i < found.found.length; i += 4) for (const s of slotsOfHalves(found.found[i + 2]!, found.found[i + 3]!)) back.set(`${found.found[i]}/${s}`, found.found[i + 1]!);
    for (const [origin, slots] of found.salvaged) for (const [s, chunk] of slots) if (back.get(`${origin}/${s}`) !== chunk) lose(s, origin);
  }
  const snapshots: DumpHeader['snapshots'] = check.labels.map((l) => ({ slot: l.slot, name: l.name, uuid: l.uuid, created: l.created, ...(l.lost === undefined ? {} : { lost: l.lost }) }));
  for (const slot of slotsOfHalves(g.snapLo, g.snapHi)) {
    if (!snapshots.some((s) => s.slot === slot)) snapshots.push({ slot, name: `recovered-${slot}`, uuid: `00000000-0000-4000-8000-${String(slot).padStart(12, '0')}`, created: 0 });
  }
  snapshots.sort((a, b) => a.slot - b.slot);
  // A snapshot that lost origin chunks is marked in its label, never left to read the origin there.
  const perSnapshot: SnapshotRepair[] = [];
  const keptPer = new Array<number>(64).fill(0);
  kept.forEach((_o, _c, lo, hi) => {
    for (const s of slotsOfHalves(lo, hi)) keptPer[s]!++;
  });
  for (const snap of snapshots) {
    const lost = lostOrigins.get(snap.slot)?.size ?? 0;
    if (lost > 0) snap.lost = Math.min(LOST_UNKNOWN - 1, (snap.lost ?? 0) + lost);
    perSnapshot.push({ slot: snap.slot, name: snap.name, kept: keptPer[snap.slot]!, lost, damaged: snap.lost !== undefined });
  }
  const header: DumpHeader = { format: 'shared', chunkBytes: g.chunkBytes, chunkCount: g.chunkCount, valid: h.valid, version: SHARED_VERSION, snapmask: h.snapmask, snapshots };
  // A rebuild neither finishes a delete nor a merge: the store keeps saying one is under way.
  const notes: string[] = [];
  if (check.deleting !== null) {
    header.deleting = check.deleting;
    notes.push(`snapshot slot ${check.deleting} was being deleted (its data is incomplete): still marked; delete it again to finish`);
  }
  if (check.merge !== null) {
    // Redoing a merged chunk is safe (the merge steps are idempotent), skipping one is not: an
    // exception of S left below the cursor moves the cursor down to it.
    const left = check.walk?.mergeLeftBehind ?? -1;
    const merge = left < 0 ? check.merge : { ...check.merge, cursor: left };
    header.merge = merge;
    notes.push(`snapshot slot ${merge.slot} is being merged into the origin (origin chunks below ${merge.cursor} merged): still recorded; run merge again to finish`);
  } else if (report.byKind['s-header-merge']) {
    notes.push('the merge record names no live snapshot: dropped (the origin may be part merged)');
  }
  if (recovered > 0) notes.push(`${recovered} exceptions recovered by searching the COW for leaves the tree no longer reached`);
  return { report, header, kept, losses, lossCount, notes, perSnapshot };
}

/**
 * An exception chunk two exceptions claim belongs to neither for sure (the walk kept the first):
 * every claimant is dropped and its snapshots lose that origin chunk.
 */
function dropDuplicateChunks(walked: ExceptionList, report: CheckReport, lose: (slot: number, origin: number) => void): ExceptionList {
  const dup = new Set(report.findings.filter((f) => f.kind === 's-chunk-duplicate' && f.found !== undefined).map((f) => Number(f.found)));
  if (dup.size === 0) return walked;
  const out = new ExceptionList();
  walked.forEach((origin, chunk, lo, hi) => {
    if (!dup.has(chunk)) return out.push(origin, chunk, lo, hi);
    for (const s of slotsOfHalves(lo, hi)) lose(s, origin);
  });
  return out;
}

/** The walk's exceptions and the search's (both origins ascending), as one ascending list; the walk's win an origin both hold. */
function mergeSorted(walked: ExceptionList, found: number[]): ExceptionList {
  const out = new ExceptionList();
  let i = 0;
  const walkedOrigins = new Set<number>();
  walked.forEach((origin) => walkedOrigins.add(origin));
  const flush = (upTo: number) => {
    for (; i < found.length && found[i]! < upTo; i += 4) if (!walkedOrigins.has(found[i]!)) out.push(found[i]!, found[i + 1]!, found[i + 2]!, found[i + 3]!);
  };
  walked.forEach((origin, chunk, lo, hi) => {
    flush(origin);
    out.push(origin, chunk, lo, hi);
  });
  flush(Infinity);
  return out;
}

function planPersistent(cow: BlockDevice): RepairPlan {
  const olds: number[] = [];
  const news: number[] = [];
  // The prefix ends at the first entry with a problem of its own, or remapping an old_chunk an
  // earlier entry remaps (never from the report's findings, which stop at MAX_FINDINGS).
  let prefix = -1;
  let why: FindingKind = 'p-area-past-device';
  const check = new PersistentWalk(cow, {
    visit: (old, chunk, problem) => {
      if (problem !== null && prefix < 0) [prefix, why] = [olds.length, problem];
      olds.push(old);
      news.push(chunk);
    },
  });
  const report = runToEnd(check);
  refuseFatal(report, cow);
  const geo = check.geometry!;
  const epa = geo.exceptionsPerArea;
  if (prefix < 0) prefix = olds.length;
  const dup = check.firstOriginDuplicate;
  if (dup >= 0 && dup < prefix) [prefix, why] = [dup, 'p-origin-duplicate'];
  // A full last area needs a next area inside the device.
  if (prefix > 0 && prefix % epa === 0 && geo.areaLocation(prefix / epa) >= check.chunkCount) prefix--;
  const kept = new ExceptionList();
  for (let i = 0; i < prefix; i++) kept.push(olds[i]!, news[i]!, 1, 0);
  const losses: Loss[] = [];
  for (let i = prefix; i < olds.length && losses.length < MAX_LOSSES; i++) losses.push({ first: olds[i]!, last: olds[i]!, slots: [0], why });
  const header: DumpHeader = { format: 'persistent', chunkBytes: geo.chunkBytes, chunkCount: check.chunkCount, valid: check.header.valid !== 0, version: SNAPSHOT_DISK_VERSION, snapmask: 1n, snapshots: [] };
  const lostOld = olds.slice(prefix);
  const notes = lostOld.length ? [`origin chunks that lost their copy (the snapshot reads the origin there now): ${describeChunks(lostOld)}`] : [];
  return { report, header, kept, losses, lossCount: olds.length - prefix, notes, perSnapshot: [{ slot: 0, name: 'snap', kept: prefix, lost: lostOld.length, damaged: false }] };
}

function describeChunks(chunks: number[]): string {
  const shown = chunks.slice(0, 20).join(', ');
  return chunks.length > 20 ? `${shown} and ${chunks.length - 20} more` : shown;
}

