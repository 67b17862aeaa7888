/**
 * One or two plain sentences per step, with this step's numbers: which chunk, which mask, which
 * key. Everything comes from the step's events and the states before and after it.
 */
import type { StructuralEvent } from '../events.ts';
import { nodeCapacity } from '../shared/index.ts';
import { slotsOfMask } from '../shared/mask.ts';
import { formatOp, type TeachOp } from './ops.ts';
import type { StepKind } from './steps.ts';
import { findBlock, findOrigin, type TeachState } from './state.ts';

export interface ExplainInput {
  kind: StepKind;
  events: readonly StructuralEvent[];
  before: TeachState;
  after: TeachState;
  op: TeachOp | null;
  /** The operation's first step. */
  first: boolean;
  chunkBytes: number;
}

type Of<T extends StructuralEvent['type']> = Extract<StructuralEvent, { type: T }>;

export function explain(x: ExplainInput): string {
  const { events, before, after } = x;
  const first = <T extends StructuralEvent['type']>(type: T): Of<T> => events.find((e) => e.type === type) as Of<T>;
  const all = <T extends StructuralEvent['type']>(type: T): Of<T>[] => events.filter((e) => e.type === type) as Of<T>[];
  switch (x.kind) {
    case 'snapshot-create': {
      const e = first('snapshot-create');
      return `Create snapshot ${snap(after, e.slot)}: bit ${e.slot} is set in the snapshot mask, now ${hex(maskOf(after))}. Nothing is copied yet: the snapshot reads the origin until a write changes it.`;
    }
    case 'probe': {
      const probes = all('probe');
      if (probes.length > 1) {
        const leaves = [...new Set(probes.map((p) => p.leaf))];
        return `Look up origin chunks ${list(probes.map((p) => p.origin), '', '')} in the B-tree: ${list(leaves, 'leaf', 'leaves')} ${leaves.length === 1 ? 'holds' : 'hold'} their copies.`;
      }
      const e = first('probe');
      const path = e.path.map((c, i) => (i === e.path.length - 1 ? `leaf ${c}` : i === 0 ? `root node ${c}` : `node ${c}`)).join(' → ');
      return `Look up origin chunk ${e.origin} in the B-tree: follow the keys down ${path}, the leaf that holds (or would hold) its copies.`;
    }
    case 'mask-check':
      return maskCheck(first('mask-check'), before, after);
    case 'allocate': {
      const got = all('allocate').map((e) => e.chunk);
      if (got.length > 1) return `Allocate ${list(got, 'COW chunk', 'COW chunks')} for the copies: the allocator takes the next free bits of the bitmap and sets them.`;
      return `Allocate COW chunk ${got[0]} for the copy: the allocator takes the next free bit of the bitmap and sets it.`;
    }
    case 'copy-data': {
      const e = first('copy-data');
      const slot = x.op?.op === 'write-snapshot' ? x.op.slot : null;
      const then = slot === null ? 'the snapshots will read the old data from there' : `then snapshot ${slot}'s write is applied on top`;
      if (e.from === 'origin') return `Copy origin chunk ${e.source}${data(before.origin[e.source])} into COW chunk ${e.to}; ${then}.`;
      return `Copy COW chunk ${e.source}${data(before.data[e.source])}, the copy snapshot ${slot ?? '?'} shared, into COW chunk ${e.to}; ${then}.`;
    }
    case 'shadow': {
      const e = first('shadow');
      const what = e.from === before.tree.root ? 'the root node' : `${e.role} ${e.from}`;
      return `Shadow ${what}: a block the last commit wrote is never changed in place, so it is copied to chunk ${e.to} and changed there. Chunk ${e.from} is freed once the next commit is on disk.`;
    }
    case 'exception-add': {
      const adds = all('exception-add');
      if (adds.length > 1) {
        const pairs = adds.map((a) => `origin chunk ${a.origin} → COW chunk ${a.chunk}`).join(', ');
        return `Insert the exceptions into leaf ${adds[0]!.leaf}: ${pairs}, each read by ${snaps(after, slotsOfMask(adds[0]!.share))} (share mask ${hex(adds[0]!.share)}).`;
      }
      const e = first('exception-add');
      const slots = slotsOfMask(e.share);
      const n = findOrigin(after, e.origin)?.entry?.exceptions.length ?? 1;
      const more = n > 1 ? ` Origin chunk ${e.origin} now has ${n} copies, one per group of snapshots that saw different data.` : '';
      return `Insert the exception into leaf ${e.leaf}: origin chunk ${e.origin} → COW chunk ${e.chunk}, read by ${snaps(after, slots)} (share mask ${hex(e.share)}).${more}`;
    }
    case 'unshare': {
      const e = first('exception-unshare');
      const left = slotsOfMask(e.share);
      return `Clear snapshot ${x.op?.op === 'write-snapshot' ? x.op.slot : '?'}'s bit in copy ${e.chunk}'s share mask: it is now ${hex(e.share)}, so only ${snaps(after, left)} read${left.length === 1 ? 's' : ''} it.`;
    }
    case 'write-in-place': {
      const o = x.op as Extract<TeachOp, { op: 'write-snapshot' }>;
      const own = findOrigin(after, o.chunk)?.entry?.exceptions.find((e) => e.slots.includes(o.slot));
      return `Write snapshot ${o.slot}'s data straight into its own copy, COW chunk ${own?.chunk ?? '?'}${data(own ? after.data[own.chunk] : undefined)}. Nothing else reads that copy, so the tree does not change.`;
    }
    case 'origin-write': {
      const o = x.op as Extract<TeachOp, { op: 'write-origin' }>;
      const c = o.to ?? o.chunk;
      const copies = findOrigin(after, c)?.entry?.exceptions.length ?? 0;
      if (after.snapshots.length === 0) return `No snapshot exists, so nothing needs the old data: origin chunk ${c} is simply overwritten${data(after.origin[c])}.`;
      return `Now origin chunk ${c} is overwritten${data(after.origin[c])}. It is safe: the commit is on disk, and the snapshots read the old data from ${copies === 1 ? 'the copy' : `their ${copies} copies`}.`;
    }
    case 'leaf-split': {
      const e = first('leaf-split');
      const moved = findBlock(after, e.newLeaf);
      const origins = moved?.kind === 'leaf' ? moved.entries.map((m) => m.origin) : [];
      const span = origins.length ? `origin chunks ${origins[0]}–${origins[origins.length - 1]}` : 'no entries';
      return `Leaf ${e.leaf} has no room for another entry, so it splits: the upper half (${span}) moves to the new leaf ${e.newLeaf}, and key ${e.key} goes up to the parent node.`;
    }
    case 'node-split': {
      const e = first('node-split');
      const up = e.level === 0 ? 'the root has no parent, so the tree needs a new root' : 'key goes up to the parent node';
      return `Node ${e.node} is full (${nodeCapacity(x.chunkBytes)} children), so it splits: its upper half moves to the new node ${e.newNode}, and key ${e.key} ${e.level === 0 ? `separates them — ${up}` : `goes up to the parent node`}.`;
    }
    case 'new-root': {
      const e = first('new-root');
      const root = findBlock(after, e.root);
      const key = root?.kind === 'node' ? root.keys[1] : undefined;
      return `A new root, node ${e.root}, is created above the two halves${key === undefined ? '' : ` with key ${key} between them`}: the tree grows from ${e.levels} to ${e.levels + 1} levels, and every leaf is still the same distance from the root.`;
    }
    case 'clear-bits': {
      const kept = all('exception-unshare');
      const leaf = kept[0]!.leaf;
      const slot = x.op?.op === 'delete' || x.op?.op === 'merge' ? x.op.slot : '?';
      const old = findBlock(before, leaf);
      const dropped = old?.kind === 'leaf' ? old.entries.flatMap((m) => m.exceptions).filter((c) => c.slots.length === 1 && c.slots[0] === slot).length : 0;
      const gone = dropped ? ` ${dropped} cop${dropped === 1 ? 'y' : 'ies'} only snapshot ${slot} read ${dropped === 1 ? 'is' : 'are'} dropped from the leaf.` : '';
      return `Clear snapshot ${slot}'s bit in the share masks of leaf ${leaf}: ${kept.length === 1 ? 'copy' : `${kept.length} copies,`} ${list(kept.map((e) => e.chunk), 'chunk', 'chunks')}${kept.length === 1 ? ',' : ''} stay${kept.length === 1 ? 's' : ''}, because other snapshots still read ${kept.length === 1 ? 'it' : 'them'}.${gone}`;
    }
    case 'free-chunks': {
      const freed = all('exception-free');
      const slot = x.op?.op === 'delete' || x.op?.op === 'merge' ? ` only snapshot ${x.op.slot} read ${freed.length === 1 ? 'it' : 'them'}` : '';
      return `Free ${freed.length === 1 ? '' : `${freed.length} copies, `}${list(freed.map((e) => e.chunk), 'COW chunk', 'COW chunks')}, from leaf ${freed[0]!.leaf}:${slot || ' nothing reads them any more'}. ${freed.length === 1 ? 'It is' : 'They are'} “pending free” until the commit, so the old tree on disk stays valid until then.`;
    }
    case 'leaf-merge': {
      const e = first('leaf-merge');
      const gone = findBlock(before, e.from);
      if (gone?.kind === 'leaf' && gone.entries.length === 0) return `Leaf ${e.from} is empty now, so it goes: its key leaves the parent node, leaf ${e.into} to its left covers its range, and chunk ${e.from} is freed.`;
      return `Leaf ${e.from} now fits into its left neighbour, leaf ${e.into}: its entries move there, its key leaves the parent node, and chunk ${e.from} is freed.`;
    }
    case 'node-merge': {
      const e = first('node-merge');
      return `Node ${e.from} now fits into its left neighbour, node ${e.into}: its children move there and chunk ${e.from} is freed.`;
    }
    case 'level-drop': {
      const e = first('level-drop');
      const old = first('free').chunk;
      return `The root node ${old} has a single child left, so it is dropped: node ${e.root} becomes the root and the tree shrinks to ${e.levels + 1} levels.`;
    }
    case 'merge-copy-others': {
      const copies = all('merge-origin-copy');
      const slots = slotsOfMask(copies[0]!.share);
      return `The merge will overwrite origin ${list(copies.map((c) => c.origin), 'chunk', 'chunks')}, which ${snaps(after, slots)} still read${slots.length === 1 ? 's' : ''} from the origin: ${list(copies.map((c) => c.chunk), 'COW chunk', 'COW chunks')} now ${copies.length === 1 ? 'holds' : 'hold'} the origin's current data for ${slots.length === 1 ? 'it' : 'them'}.`;
    }
    case 'merge-to-origin': {
      const runs = all('merge-copy-to-origin');
      const slot = x.op?.op === 'merge' ? x.op.slot : '?';
      const moves = runs.map((r) => (r.count === 1 ? `COW chunk ${r.from} → origin chunk ${r.origin}` : `COW chunks ${r.from}–${r.from + r.count - 1} → origin chunks ${r.origin}–${r.origin + r.count - 1}`));
      return `Copy snapshot ${slot}'s data onto the origin: ${moves.join(', ')}. There the origin now reads exactly like snapshot ${slot}.`;
    }
    case 'merge-clear': {
      const runs = all('merge-clear');
      const chunks = runs.flatMap((r) => Array.from({ length: r.count }, (_, k) => r.origin + k));
      const slot = x.op?.op === 'merge' ? x.op.slot : '?';
      return `Origin ${list(chunks, 'chunk', 'chunks')} ${chunks.length === 1 ? 'is' : 'are'} merged: snapshot ${slot} reads ${chunks.length === 1 ? 'it' : 'them'} from the origin now, and the merge record in the header moves past ${chunks.length === 1 ? 'it' : 'them'}, so a crash resumes after this batch.`;
    }
    case 'snapshot-delete': {
      const e = first('snapshot-delete');
      if (x.op?.op === 'merge') return `Every chunk of snapshot ${snap(before, e.slot)} is merged into the origin, so the snapshot is deleted: bit ${e.slot} is cleared from the snapshot mask (now ${hex(maskOf(after))}).`;
      return `Snapshot ${snap(before, e.slot)} is gone: bit ${e.slot} is cleared from the snapshot mask (now ${hex(maskOf(after))}) and slot ${e.slot} can be used again.`;
    }
    case 'commit':
      if (x.op?.op === 'merge' && x.first) {
        return `Commit (generation ${first('commit').generation ?? '?'}): before anything touches the origin, the header records the merge of snapshot ${x.op.slot}, so a crash part-way resumes it instead of leaving a half-merged origin.`;
      }
      return commit(first('commit'), all('allocate'), before, after);
    case 'start':
      return explainStart(after, '');
    case 'batch':
      return explainBatch(x.op, events);
    case 'event':
      return events.map(eventLine).join('; ');
  }
}

/** The first step: what the store holds before any operation. */
export function explainStart(state: TeachState, label: string): string {
  const leaves = state.tree.blocks.filter((b) => b.kind === 'leaf').length;
  const count = (code: string) => [...state.cells].filter((c) => c === code).length;
  const copies = count('E');
  const snapshots = state.snapshots.length ? `${state.snapshots.length} snapshot${state.snapshots.length === 1 ? '' : 's'}` : 'no snapshots';
  if (label) {
    return `${label}, opened through an in-memory overlay: ${snapshots}, ${copies} copies, a B-tree of ${state.tree.levels + 1} levels with ${leaves} leaves. Nothing you do here is written to the store.`;
  }
  const leaf = state.tree.blocks.find((b) => b.kind === 'leaf')?.chunk;
  return `A fresh shared store of ${state.cells.length} chunks on the COW, ${state.origin.length} on the origin. Chunk 0 is the header, chunk 1 the allocation bitmap, and the B-tree is root node ${state.tree.root} over one empty leaf, chunk ${leaf ?? '?'}; ${snapshots} yet.`;
}

/** A quiet operation: one step that says what the engine did without stepping through it. */
export function explainBatch(o: TeachOp | null, events: readonly StructuralEvent[]): string {
  const n = (type: StructuralEvent['type']) => events.filter((e) => e.type === type).length;
  const parts: [number, string, string][] = [
    [n('snapshot-create'), 'snapshot created', 'snapshots created'],
    [n('exception-add'), 'copy added', 'copies added'],
    [n('exception-free'), 'copy freed', 'copies freed'],
    [n('leaf-split'), 'leaf split', 'leaf splits'],
    [n('node-split'), 'node split', 'node splits'],
    [n('new-root'), 'new root', 'new roots'],
    [n('leaf-merge'), 'leaf merge', 'leaf merges'],
    [n('level-drop'), 'level dropped', 'levels dropped'],
    [n('commit'), 'commit', 'commits'],
  ];
  const did = parts.filter(([k]) => k > 0).map(([k, one, many]) => `${k} ${k === 1 ? one : many}`);
  return `Ran “${o ? formatOp(o) : '?'}” in one go, without stepping: ${did.length ? did.join(', ') : 'nothing changed'}.`;
}

function maskCheck(e: Of<'mask-check'>, before: TeachState, after: TeachState): string {
  const active = slotsOfMask(e.active);
  const using = slotsOfMask(e.using);
  const need = slotsOfMask(e.need);
  if (e.rule === 'snapshot-write') {
    const s = e.slot ?? 0;
    const own = findOrigin(before, e.origin)?.entry?.exceptions.find((x) => x.slots.includes(s));
    if (e.need === 0n) return `Snapshot ${s} writes origin chunk ${e.origin}. Its copy, COW chunk ${own?.chunk ?? '?'}, is read by no other snapshot, so the write can go there in place.`;
    if (own) {
      const others = own.slots.filter((x) => x !== s);
      return `Snapshot ${s} writes origin chunk ${e.origin}. It reads COW chunk ${own.chunk}, which ${snaps(after, others)} also read${others.length === 1 ? 's' : ''} (share mask ${hex(toMask(own.slots))}): it needs a private copy, so the others keep the old data.`;
    }
    return `Snapshot ${s} writes origin chunk ${e.origin}. It has no copy yet — it reads the origin — so it gets a copy of its own (mask ${hex(e.need)}).`;
  }
  const who = `Active snapshots: ${snaps(after, active)} (${hex(e.active)})`;
  if (e.need === 0n) return `Origin chunk ${e.origin} is about to change. ${who}; copies already serve ${hex(e.using)}, so every snapshot keeps its old data without a new copy.`;
  if (e.using === 0n) return `Origin chunk ${e.origin} is about to change. ${who}; none has a copy of it yet, so one new copy must serve ${need.length === 1 ? 'it' : 'all of them'} (mask ${hex(e.need)}).`;
  return `Origin chunk ${e.origin} is about to change. ${who}; existing copies serve ${snaps(after, using)} (${hex(e.using)}), so only ${snaps(after, need)} need${need.length === 1 ? 's' : ''} a new copy (mask ${hex(e.need)}).`;
}

function commit(e: Of<'commit'>, allocated: Of<'allocate'>[], before: TeachState, after: TeachState): string {
  const freed: number[] = [];
  for (let c = 0; c < before.cells.length; c++) if (before.cells[c] === 'P' && after.cells[c] === '.') freed.push(c);
  const labels = allocated.filter((a) => a.role === 'label').map((a) => a.chunk);
  const also = [
    ...(labels.length ? [`the snapshot names move to label ${list(labels, 'chunk', 'chunks')}`] : []),
    ...(freed.length ? [`${list(freed, 'chunk', 'chunks')}, freed during the transaction, can be reused`] : []),
  ].join(', and ');
  const more = also ? ` Now ${also}.` : '';
  return `Commit (generation ${e.generation ?? '?'}): new blocks, then the bitmap, then the one-sector header pointing at root ${e.root} are written; the header write makes it all durable at once.${more}`;
}

/** A one-line description of any event (the step's detail list, unknown kinds). */
export function eventLine(e: StructuralEvent): string {
  return Object.entries(e)
    .map(([k, v]) => (k === 'type' ? String(v) : `${k} ${typeof v === 'bigint' ? hex(v) : Array.isArray(v) ? v.join('→') : String(v)}`))
    .join(', ');
}

function hex(mask: bigint): string {
  return `0x${mask.toString(16)}`;
}

function toMask(slots: readonly number[]): bigint {
  return slots.reduce((m, s) => m | (1n << BigInt(s)), 0n);
}

function maskOf(state: TeachState): bigint {
  return toMask(state.snapshots.map((s) => s.slot));
}

/** "snapshot 1", or "snapshot 1 (nightly)" when it has a name of its own. */
function snap(state: TeachState, slot: number): string {
  const name = state.snapshots.find((s) => s.slot === slot)?.name;
  return name && name !== `snapshot-${slot}` ? `${slot} (“${name}”)` : `${slot}`;
}

function snaps(state: TeachState, slots: readonly number[]): string {
  if (slots.length === 0) return 'no snapshot';
  const each = slots.map((s) => snap(state, s));
  return `snapshot${slots.length === 1 ? '' : 's'} ${each.length === 1 ? each[0] : `${each.slice(0, -1).join(', ')} and ${each[each.length - 1]}`}`;
}

/** "chunk 9", "chunks 9 and 12", "chunks 2–4, 6 and 13–33": sorted, runs shortened. */
function list(chunks: readonly number[], one: string, many: string): string {
  if (chunks.length === 1) return `${one} ${chunks[0]}`.trim();
  const sorted = [...chunks].sort((a, b) => a - b);
  const runs: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    runs.push(j - i >= 2 ? `${sorted[i]}–${sorted[j]}` : j > i ? `${sorted[i]}, ${sorted[j]}` : `${sorted[i]}`);
    i = j + 1;
  }
  const parts = runs.join(', ').split(', ');
  return `${many} ${parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`}`.trim();
}

function data(tag: string | undefined): string {
  return tag ? ` (data “${tag}”)` : '';
}
