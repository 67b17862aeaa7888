/**
 * One walker per format, two modes: a store opens (strict walk) exactly when check (tolerant walk
 * of the same rules) finds no error in it. Over valid stores of several shapes and random damage
 * to them — random bytes and structure-aware values at header fields, counts, keys, offsets,
 * pointers and the bitmap (shared), and at header fields and the entries around area ends
 * (persistent). When open accepts, every snapshot's every chunk can be looked up (nothing the walk
 * passed fails later); when it refuses, the error is check's first error.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkTask } from '../../../src-core/check/check.ts';
import { isSnapscopeError } from '../../../src-core/errors.ts';
import { MemoryDevice } from '../../../src-core/io/memory-device.ts';
import { runToEnd } from '../../../src-core/jobs/job.ts';
import { decodeHeader } from '../../../src-core/shared/format/header.ts';
import { PersistentStore } from '../../../src-core/persistent/index.ts';
import { SharedStore } from '../../../src-core/shared/index.ts';
import type { ExceptionStore } from '../../../src-core/store.ts';
import { entryOffset, persistentCow } from '../check/persistent-fixtures.ts';
import { sharedCow } from '../check/shared-fixtures.ts';

const CB = 512;
const RUNS = Number(process.env.SNAPSCOPE_FUZZ_RUNS ?? 250);
// One and two index levels, one to four snapshots.
const BASES = [sharedCow(1, 10, 1024).cow.bytes, sharedCow(3, 120, 2048).cow.bytes, sharedCow(4, 700, 8192).cow.bytes];

function hotOffsets(bytes: Uint8Array): number[] {
  const out = [4, 8, 12, 16, 20, 24, 32, 44, 48, 64, 72, 80, CB, CB + 4];
  const h = decodeHeader(bytes, 'base');
  for (let c = h.rootChunk - 30; c < h.rootChunk + 10; c++) for (const o of [0, 4, 8, 12, 16, 20, 24, 28, 32, 36, 40, CB - 16, CB - 12, CB - 8]) if (c > 1) out.push(c * CB + o);
  return out;
}

// Persistent (32 entries per area): empty, part of one area, exactly one full area, three areas.
const P_BASES = [0, 5, 32, 70].map((n) => persistentCow(n).bytes);
/** Header fields, and both halves of old_chunk and new_chunk of entries around each area's end. */
const P_HOT = [4, 8, 12, ...[0, 1, 4, 5, 6, 30, 31, 32, 33, 63, 64, 69, 70, 71].flatMap((n) => [0, 4, 8, 12].map((o) => entryOffset(n) + o))];

const damage = (base: Uint8Array, hot = hotOffsets(base)) => {
  return fc.array(
    fc.oneof(
      fc.record({ at: fc.nat(base.length - 1), value: fc.integer({ min: 0, max: 255 }), width: fc.constant(1) }),
      fc.record({ at: fc.constantFrom(...hot), value: fc.oneof(fc.constantFrom(0, 1, 2, 0xffffffff, 0x1eaf, 200, 511, 512), fc.nat()), width: fc.constant(4) }),
    ),
    { minLength: 0, maxLength: 3 },
  );
};

function apply(base: Uint8Array, muts: { at: number; value: number; width: number }[]): Uint8Array {
  const bytes = base.slice();
  const dv = new DataView(bytes.buffer);
  for (const m of muts) {
    if (m.width === 1) bytes[m.at] = m.value;
    else if (m.at + 4 <= bytes.length) dv.setUint32(m.at, m.value >>> 0, true);
  }
  return bytes;
}

/** One format's property: `open` over `bases` damaged at random, against check's verdict. */
function openEqualsCheck(bases: Uint8Array[], hot: (base: Uint8Array) => number[], open: (cow: MemoryDevice) => ExceptionStore, chunks: number): void {
  let accepted = 0;
  let refused = 0;
  fc.assert(
    fc.property(
      fc.nat(bases.length - 1).chain((b) => fc.tuple(fc.constant(b), damage(bases[b]!, hot(bases[b]!)))),
      ([b, muts]) => {
        const bytes = apply(bases[b]!, muts);
        let errors: number;
        let first = '';
        try {
          const r = runToEnd(checkTask(new MemoryDevice(bytes, 'cow', true)));
          errors = r.errors;
          first = r.findings.find((f) => f.severity === 'error')?.kind ?? '';
        } catch (e) {
          if (!isSnapscopeError(e)) throw e;
          errors = -1; // not a store at all: open must refuse too
        }
        let store: ExceptionStore | null = null;
        try {
          store = open(new MemoryDevice(bytes, 'cow', true));
        } catch (e) {
          if (!isSnapscopeError(e)) throw e;
          expect(errors, `open refused (${e.message}) what check passed`).not.toBe(0);
          if (first) expect(e.message).toContain(`[${first}]`);
          refused++;
          return;
        }
        expect(errors, 'open accepted what check rejects').toBe(0);
        accepted++;
        // Everything open accepted reads: every snapshot, every origin chunk the table or tree can hold
        // (a snapshot the kernel invalidated fails every read by design).
        if (store.valid) for (const s of store.snapshots()) for (let c = 0; c < chunks; c++) store.lookup(s.slot, c);
      },
    ),
    { numRuns: RUNS },
  );
  // Both sides were exercised.
  expect(accepted).toBeGreaterThan(10);
  expect(refused).toBeGreaterThan(10);
}

describe('the walker', () => {
  it('shared: open accepts exactly the stores check finds no error in', () => {
    openEqualsCheck(BASES, hotOffsets, (cow) => SharedStore.open(cow), 2200);
  });

  it('persistent: open accepts exactly the stores check finds no error in', () => {
    openEqualsCheck(P_BASES, () => P_HOT, (cow) => PersistentStore.open(cow), 300);
  });
});
