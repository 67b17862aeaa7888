/**
 * Inputs where planRepair once accepted a store that applyRepair's builder then refused (found by
 * the fuzz test, or by reading the code): the walk handed the builder origins that did not
 * ascend, a name that no longer fit, a persistent prefix judged from a capped finding list, or
 * the rebuilt metadata had no room. Each is pinned here as a fixed case: the plan's findings,
 * then a repair that builds and checks clean — or a plan that refuses up front.
 */
import { describe, expect, it } from 'vitest';
import { checkTask } from '../../../src-core/check/check.ts';
import type { CheckReport } from '../../../src-core/walk/findings.ts';
import { MemoryDevice } from '../../../src-core/io/memory-device.ts';
import { runToEnd } from '../../../src-core/jobs/job.ts';
import { applyRepair, planRepair, type RepairPlan } from '../../../src-core/repair/repair.ts';
import { decodeHeader, encodeHeader } from '../../../src-core/shared/format/header.ts';
import { encodeLabelBlock } from '../../../src-core/shared/format/label.ts';
import { LeafView } from '../../../src-core/shared/format/leaf.ts';
import { NodeView } from '../../../src-core/shared/format/node.ts';
import { MAX_FINDINGS } from '../../../src-core/walk/findings.ts';
import { buildPersistent } from '../../../src-core/ir/persistent-builder.ts';
import { SNAPSHOT_DISK_VERSION } from '../../../src-core/persistent/format.ts';
import { CHUNK, GEO, getEntry, setEntry } from './persistent-fixtures.ts';
import { S_CHUNK, sharedCow } from './shared-fixtures.ts';

const block = (bytes: Uint8Array, chunk: number) => bytes.subarray(chunk * S_CHUNK, (chunk + 1) * S_CHUNK);
const where = (r: CheckReport) => r.findings.filter((f) => f.kind !== 's-bitmap-leak').map((f) => [f.kind, f.chunk, f.entry]);

/** Plans and applies a repair of `bytes`; the repaired store must check free of errors. */
function repair(bytes: Uint8Array): RepairPlan {
  const plan = planRepair(new MemoryDevice(bytes, 'damaged', true));
  const target = new MemoryDevice(bytes.slice(), 'repaired');
  applyRepair(target, plan);
  const after = runToEnd(checkTask(new MemoryDevice(target.bytes, 'repaired', true)));
  expect(after.findings.filter((f) => f.severity === 'error')).toEqual([]);
  return plan;
}

/** The origins a plan keeps, in order. */
function keptOrigins(plan: RepairPlan): number[] {
  const out: number[] = [];
  plan.kept.forEach((origin) => out.push(origin));
  return out;
}

/** One level (root node → leaves), two snapshots, origins 0, 3, 6, ... */
function small() {
  const bytes = sharedCow(2, 40).cow.bytes;
  const root = new NodeView(0, block(bytes, decodeHeader(bytes, 'cow').rootChunk));
  root.chunk = decodeHeader(bytes, 'cow').rootChunk;
  const leaf = (i: number) => new LeafView(root.child(i), block(bytes, root.child(i)));
  return { bytes, root, leaf };
}

describe('repair regressions: what planRepair accepts, applyRepair builds', () => {
  it("a leaf's first origin raised to its second's: the later copy of that origin is dropped too", () => {
    // The fuzz counterexample: header valid = 0, then leaf 389's map[0].rchunk 345 → 348.
    const bytes = sharedCow(3, 120, 512).cow.bytes;
    bytes[4] = 0;
    bytes[199196] = 92;
    const plan = repair(bytes);
    expect(where(plan.report)).toEqual([
      ['s-header-invalid', 0, undefined],
      ['s-header-checksum', 0, undefined],
      ['s-leaf-key-order', 389, 1],
      ['s-leaf-key-order', 389, 2],
    ]);
    const origins = keptOrigins(plan);
    expect(origins.filter((o) => o === 348)).toHaveLength(3); // one list of three exceptions, not two lists
    expect(origins.every((o, i) => i === 0 || o >= origins[i - 1]!)).toBe(true);
  });

  it('a bad node key bounds the children next to it by the nearest good keys', () => {
    const { bytes, root, leaf } = small();
    const k3 = root.key(3);
    root.setKey(2, root.key(1)); // key 2 is bad: children 1 and 2 both get [key 1, key 3)
    const l1 = leaf(1);
    l1.dv.setUint32(24 + (l1.count - 1) * 8 + 4, k3 + 1, true); // leaf 1's last origin past key 3
    const plan = repair(bytes);
    expect(where(plan.report)).toEqual([
      ['s-node-key-order', root.chunk, 2],
      ['s-leaf-key-range', l1.chunk, l1.count - 1],
    ]);
  });

  it('origins must ascend across leaves: a later leaf cannot hold an origin an earlier one did', () => {
    const { bytes, root, leaf } = small();
    const k3 = root.key(3);
    root.setKey(2, root.key(1));
    const l1 = leaf(1);
    const l2 = leaf(2);
    l1.dv.setUint32(24 + (l1.count - 1) * 8 + 4, k3 - 1, true); // in [key 1, key 3), above all of leaf 2
    const plan = repair(bytes);
    expect(where(plan.report)).toEqual([
      ['s-node-key-order', root.chunk, 2],
      ...Array.from({ length: l2.count }, (_, i) => ['s-leaf-key-range', l2.chunk, i]),
    ]);
  });

  it('origins at or above 2^32 (a base_chunk no writer makes) are out of range', () => {
    const { bytes, root, leaf } = small();
    const last = leaf(root.count - 1);
    new DataView(last.bytes.buffer, last.bytes.byteOffset).setUint32(12, 1, true); // base_chunk 2^32
    const plan = repair(bytes);
    expect(where(plan.report)).toEqual(Array.from({ length: last.count }, (_, i) => ['s-leaf-key-range', last.chunk, i]));
  });

  it('a store whose rebuilt tree and labels cannot fit beside its data is refused at plan time', () => {
    // 64 KiB chunks on a 256 KiB device: 4 chunks, 2 of them header and bitmap; a leaf, a root
    // and a label block need 3.
    const bytes = sharedCow(3, 120, 512).cow.bytes;
    encodeHeader({ ...decodeHeader(bytes, 'cow'), chunkSectors: 128 }, bytes);
    expect(() => planRepair(new MemoryDevice(bytes, 'damaged', true))).toThrow(
      "cannot repair damaged: the store's metadata (1 leaves, 1 nodes, 1 label blocks) needs 3 chunks, but only 2 are free of data",
    );
  });

  it('a label name that is not UTF-8 is not kept: the slot gets a recovered name', () => {
    const { bytes } = small();
    const labels = block(bytes, decodeHeader(bytes, 'cow').labelChunk);
    const l = (slot: number, name: string) => ({ slot, name, uuid: '00000000-0000-4000-8000-000000000000', created: 0 });
    encodeLabelBlock([l(0, 'a'.repeat(128)), l(1, 'b')], 0, labels);
    labels[16 + 32 + 127] = 0xf4; // a 4-byte sequence cut short: not UTF-8
    const plan = repair(bytes);
    expect(plan.header.snapshots.map((s) => s.name)).toEqual(['recovered-0', 'b']);
  });

  it('a persistent prefix ends at the first duplicate old_chunk even when the findings list is full', () => {
    // 10 010 entries (origin i → the i-th data chunk); entry 5 remaps entry 1's old_chunk, and
    // entries 6.. reuse entry 0's new_chunk: more findings than the report keeps, the
    // p-origin-duplicate (found last, by the cross-check) past the cap.
    const n = MAX_FINDINGS + 10;
    const chunkCount = GEO.areaLocation(Math.ceil(n / GEO.exceptionsPerArea) + 1) + 1;
    const cow = new MemoryDevice(chunkCount * CHUNK, 'cow');
    const header = { format: 'persistent' as const, chunkBytes: CHUNK, chunkCount, valid: true, version: SNAPSHOT_DISK_VERSION, snapmask: 1n, snapshots: [] };
    buildPersistent(cow, header, {
      forEach(visit) {
        for (let i = 0, chunk = 2; i < n; i++, chunk++) {
          if (GEO.isMetadataChunk(chunk)) chunk++;
          visit(i, chunk, 1, 0);
        }
      },
    });
    setEntry(cow, 5, 'oldChunk', getEntry(cow, 1).old);
    for (let i = 6; i < n; i++) setEntry(cow, i, 'newChunk', getEntry(cow, 0).new);
    const plan = repair(cow.bytes);
    expect(plan.report.truncated).toBe(true);
    expect(plan.report.byKind['p-origin-duplicate']).toBe(1);
    expect(plan.kept.length).toBe(5);
    expect(plan.losses[0]).toMatchObject({ first: 1, why: 'p-origin-duplicate' });
  });
});
