/**
 * repair never leaves a snapshot "valid" with wrong data. For each kind of damage docs/check.md
 * lists (and a bad root pointer, a bad middle node, a bad label block, a torn header): the repaired
 * store opens and checks clean, and every snapshot either reads exactly what it read before the
 * damage — compared chunk by chunk — or is marked damaged in its label with at least as many lost
 * origin chunks as differ (exactly as many where the lost leaf could be salvaged to count them).
 */
import { describe, expect, it } from 'vitest';
import { checkTask } from '../../../src-core/check/check.ts';
import { isSnapscopeError } from '../../../src-core/errors.ts';
import { MemoryDevice } from '../../../src-core/io/memory-device.ts';
import { runToEnd } from '../../../src-core/jobs/job.ts';
import { applyRepair, planRepair } from '../../../src-core/repair/repair.ts';
import { clearBit } from '../../../src-core/shared/format/bitmap.ts';
import { decodeHeader, encodeHeader, HEADER_LAYOUT } from '../../../src-core/shared/format/header.ts';
import { LABEL_MAGIC } from '../../../src-core/shared/format/label.ts';
import { SharedStore } from '../../../src-core/shared/index.ts';
import { readViewChunk } from '../../../src-core/view.ts';
import { S_CHUNK as CB, sharedCow } from './shared-fixtures.ts';

const ORIGINS = 2100; // sharedCow writes origin chunks 0, 3, ... 3*(writes-1)

/** Four snapshots over a two-level tree; the views of every snapshot before the damage. */
function fixture() {
  const { cow, origin } = sharedCow(4, 700, 8192);
  const store = SharedStore.open(new MemoryDevice(cow.bytes, 'cow', true));
  const views = new Map(store.snapshots().map((s) => [s.slot, viewOf(store, origin, s.slot)]));
  const root = store.rootChunk;
  const node = store.pathTo(1000)[1]!;
  const leaf = store.pathTo(1000)[2]!;
  expect(store.levels).toBe(2);
  store.close();
  return { cow, origin, views, root, node, leaf };
}

function viewOf(store: SharedStore, origin: MemoryDevice, slot: number): string[] {
  const buf = new Uint8Array(CB);
  const out: string[] = [];
  for (let c = 0; c < ORIGINS; c++) {
    readViewChunk(store, origin, slot, c, buf);
    out.push(Buffer.from(buf).toString('base64'));
  }
  return out;
}

const dv = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);
const at = (chunk: number, offset = 0) => chunk * CB + offset;
/** Offset of the lowest exception in a leaf (map[0].offset). */
const firstException = (b: Uint8Array, leaf: number) => at(leaf, dv(b).getUint32(at(leaf, 24), true));

type Damage = (b: Uint8Array, f: ReturnType<typeof fixture>) => void;

const DAMAGE: [string, Damage][] = [
  ['bad root pointer (one byte, checksum stale)', (b) => (b[20] = 0x99)],
  ['bad root pointer (checksum right)', (b) => encodeHeader({ ...decodeHeader(b, 'x'), rootChunk: 5 }, b)],
  ['tree_level unusable', (b) => encodeHeader({ ...decodeHeader(b, 'x'), treeLevel: 0 }, b)],
  ['torn header (new root, old rest)', (b, f) => dv(b).setBigUint64(HEADER_LAYOUT.root_tree_chunk.offset, BigInt(f.node), true)],
  ['middle node count 0', (b, f) => dv(b).setUint32(at(f.node), 0, true)],
  ['middle node child past the device', (b, f) => dv(b).setBigUint64(at(f.node, 8 + 16 + 8), 1_000_000n, true)],
  ['middle node child twice', (b, f) => dv(b).setBigUint64(at(f.node, 8 + 16 + 8), dv(b).getBigUint64(at(f.node, 8 + 8), true), true)],
  ['middle node key order', (b, f) => dv(b).setBigUint64(at(f.node, 8 + 32), dv(b).getBigUint64(at(f.node, 8 + 16), true), true)],
  ['leaf magic', (b, f) => dv(b).setUint16(at(f.leaf), 0xbeef, true)],
  ['leaf version', (b, f) => dv(b).setUint16(at(f.leaf, 2), 7, true)],
  ['leaf count', (b, f) => dv(b).setUint32(at(f.leaf, 4), 5000, true)],
  ['leaf sentinel', (b, f) => dv(b).setUint32(at(f.leaf, 24 + 8 * dv(b).getUint32(at(f.leaf, 4), true)), 100, true)],
  ['leaf map overlap', (b, f) => dv(b).setUint32(at(f.leaf, 24), 24, true)],
  ['leaf key order', (b, f) => dv(b).setUint32(at(f.leaf, 24 + 8 + 4), dv(b).getUint32(at(f.leaf, 24 + 4), true), true)],
  ['leaf using_mask', (b, f) => dv(b).setBigUint64(at(f.leaf, 16), 0xffn, true)],
  ['share zero', (b, f) => dv(b).setBigUint64(firstException(b, f.leaf), 0n, true)],
  ['share outside snapmask', (b, f) => dv(b).setBigUint64(firstException(b, f.leaf), dv(b).getBigUint64(firstException(b, f.leaf), true) | (1n << 40n), true)],
  ['exception chunk past the device', (b, f) => dv(b).setBigUint64(firstException(b, f.leaf) + 8, 1_000_000n, true)],
  ['exception chunk reserved', (b, f) => dv(b).setBigUint64(firstException(b, f.leaf) + 8, 0n, true)],
  ['exception chunk twice', (b, f) => dv(b).setBigUint64(firstException(b, f.leaf) + 8, dv(b).getBigUint64(firstException(b, f.leaf) + 24, true), true)],
  ['bitmap: a used chunk free', (b, f) => clearBit(b.subarray(CB, 2 * CB), f.leaf)],
  ['bad label block', (b) => dv(b).setUint32(at(decodeHeader(b, 'x').labelChunk), LABEL_MAGIC ^ 1, true)],
];

describe('repair gives every snapshot its view back, or marks it damaged', () => {
  for (const [name, damage] of DAMAGE) {
    it(name, () => {
      const f = fixture();
      const bytes = f.cow.bytes.slice();
      damage(bytes, f);
      expect(runToEnd(checkTask(new MemoryDevice(bytes, 'damaged', true))).errors, 'the damage is found').toBeGreaterThan(0);
      const plan = planRepair(new MemoryDevice(bytes, 'damaged', true));
      const target = new MemoryDevice(bytes.slice(), 'repaired');
      applyRepair(target, plan);
      expect(runToEnd(checkTask(new MemoryDevice(target.bytes, 'repaired', true))).errors).toBe(0);
      const store = SharedStore.open(new MemoryDevice(target.bytes, 'repaired', true), { force: true });
      for (const snap of store.snapshots()) {
        const before = f.views.get(snap.slot)!;
        const after = viewOf(store, f.origin, snap.slot);
        const differing = before.filter((v, c) => v !== after[c]).length;
        const reported = plan.perSnapshot.find((p) => p.slot === snap.slot)!;
        if (snap.lost === undefined) {
          expect(differing, `snapshot ${snap.slot} unmarked but reads differently`).toBe(0);
          expect(reported.lost).toBe(0);
        } else {
          expect(snap.lost, `snapshot ${snap.slot}'s lost count`).toBeGreaterThanOrEqual(differing);
          expect(reported.lost).toBe(snap.lost);
        }
      }
      // Without force a damaged snapshot is refused, not silently read from the origin.
      const plain = SharedStore.open(new MemoryDevice(target.bytes, 'repaired', true));
      for (const snap of plain.snapshots().filter((s) => s.lost !== undefined)) {
        let refused = false;
        try {
          plain.lookup(snap.slot, 0);
        } catch (e) {
          refused = isSnapscopeError(e) && e.code === 'corrupt' && /use --forensic/.test(e.message);
        }
        expect(refused).toBe(true);
      }
    });
  }

  it('counts exactly what a salvageable lost leaf held, per snapshot', () => {
    const f = fixture();
    const bytes = f.cow.bytes.slice();
    dv(bytes).setUint16(at(f.leaf), 0xbeef, true);
    const plan = planRepair(new MemoryDevice(bytes, 'damaged', true));
    const target = new MemoryDevice(bytes.slice(), 'repaired');
    applyRepair(target, plan);
    const store = SharedStore.open(new MemoryDevice(target.bytes, 'repaired', true), { force: true });
    let marked = 0;
    for (const snap of store.snapshots()) {
      const after = viewOf(store, f.origin, snap.slot);
      const differing = f.views.get(snap.slot)!.filter((v, c) => v !== after[c]).length;
      expect(snap.lost ?? 0).toBe(differing);
      if (snap.lost) marked++;
    }
    expect(marked).toBeGreaterThan(0);
  });

  it('gives back the whole tree when only the root pointer is bad: every view as before, nothing marked', () => {
    const f = fixture();
    const bytes = f.cow.bytes.slice();
    bytes[20] = 0x99;
    const plan = planRepair(new MemoryDevice(bytes, 'damaged', true));
    expect(plan.perSnapshot.every((p) => p.lost === 0 && !p.damaged)).toBe(true);
    expect(plan.kept.length).toBe(runToEnd(checkTask(new MemoryDevice(f.cow.bytes, 'cow', true))).exceptions);
  });
});
