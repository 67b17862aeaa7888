/**
 * Fuzz: byte mutations of valid stores of both formats — random bytes and structure-aware ones
 * (counts, offsets, keys, chunk pointers) — on a read-only device. Every input must give a report
 * or a clear SnapscopeError, within a time bound, without writing; repairing any input must give
 * a store that checks free of errors, unless the plan refuses up front (nothing to rebuild from,
 * no room); and a dump must restore to a store that dumps the same, unless restore refuses a
 * damaged store's dump with a clear error.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkTask } from '../../../src-core/check/check.ts';
import { isSnapscopeError } from '../../../src-core/errors.ts';
import { MemoryDevice } from '../../../src-core/io/memory-device.ts';
import { runToEnd } from '../../../src-core/jobs/job.ts';
import { restore } from '../../../src-core/ir/restore.ts';
import { applyRepair, planRepair } from '../../../src-core/repair/repair.ts';
import { decodeHeader } from '../../../src-core/shared/format/header.ts';
import { dumpText, parseDump } from '../ir/helpers.ts';
import { CHUNK, GEO, persistentCow } from './persistent-fixtures.ts';
import { S_CHUNK, sharedCow } from './shared-fixtures.ts';

/**
 * CPU time, not wall time: a loaded CI machine stalls a test without making the code slower,
 * while a runaway loop burns CPU either way. Inputs take a few milliseconds.
 */
const PER_INPUT_CPU_MS = 2000;
/**
 * Inputs are tried for this long (wall time), at most RUNS of them: slow machines try fewer.
 * SNAPSCOPE_FUZZ_RUNS=n tries exactly n (a long local hunt; fast-check prints a failing seed).
 */
const HUNT = Number(process.env.SNAPSCOPE_FUZZ_RUNS ?? 0);
const BUDGET_MS = HUNT ? Infinity : 6000;
const RUNS = HUNT || 400;
/** Why planRepair may refuse a mutated store: not a store, nothing trustworthy to rebuild from, no room. */
const PLAN_REFUSALS = ['not-a-store', 'unsupported', 'no-space'];
const shared = sharedCow(3, 120, 512).cow.bytes;
const persistent = persistentCow(70, 256).bytes;

/** Offsets worth hitting: header fields, node/leaf counts, keys, offsets, chunk pointers, table entries. */
function hotOffsets(bytes: Uint8Array, format: 'shared' | 'persistent'): number[] {
  if (format === 'persistent') {
    const out = [4, 8, 12];
    for (let a = 0; a < 3; a++) for (let i = 0; i < 40; i++) out.push(GEO.areaLocation(a) * CHUNK + i * 8);
    return out;
  }
  const out = [4, 8, 12, 16, 20, 24, 32, 44, 48, 64, 72]; // ext_flags 44, merge record 64..80
  const h = decodeHeader(bytes, 'fuzz');
  for (let c = 2; c < 40; c++) for (const o of [0, 4, 8, 12, 16, 20, 24, 28, 32, 36, S_CHUNK - 16, S_CHUNK - 8]) out.push(c * S_CHUNK + o);
  out.push(h.rootChunk * S_CHUNK + 16, S_CHUNK); // a root child pointer, the bitmap
  return out;
}

const mutation = (size: number, hot: number[]) =>
  fc.oneof(
    fc.record({ at: fc.nat(size - 1), value: fc.integer({ min: 0, max: 255 }), width: fc.constant(1) }),
    fc.record({ at: fc.constantFrom(...hot), value: fc.oneof(fc.constantFrom(0, 1, 0xffffffff, 0x7fffffff, 0x1eaf, 0x10000), fc.nat()), width: fc.constant(4) }),
  );

function mutate(base: Uint8Array, muts: { at: number; value: number; width: number }[]): Uint8Array {
  const bytes = base.slice();
  const dv = new DataView(bytes.buffer);
  for (const m of muts) {
    if (m.width === 1) bytes[m.at] = m.value;
    else if (m.at + 4 <= bytes.length) dv.setUint32(m.at, m.value >>> 0, true);
  }
  return bytes;
}

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** The check's error count, or null when it refused the input with a clear error. */
function checkOrClearError(bytes: Uint8Array): number | null {
  try {
    return runToEnd(checkTask(new MemoryDevice(bytes, 'fuzz', true))).errors;
  } catch (e) {
    if (!isSnapscopeError(e)) throw e;
    expect(e.code).not.toBe('read-only'); // the check never writes
    return null;
  }
}

function repairThenCheck(bytes: Uint8Array): void {
  let plan;
  try {
    plan = planRepair(new MemoryDevice(bytes, 'fuzz', true));
  } catch (e) {
    if (isSnapscopeError(e) && PLAN_REFUSALS.includes(e.code)) return;
    throw e;
  }
  const target = new MemoryDevice(bytes.slice(), 'repaired');
  applyRepair(target, plan);
  const after = runToEnd(checkTask(new MemoryDevice(target.bytes, 'repaired', true)));
  expect(after.findings.filter((f) => f.severity === 'error')).toEqual([]);
}

/** dump → restore → dump is identical; only a damaged store's dump may be refused, and clearly. */
function dumpRestoreDump(bytes: Uint8Array, errors: number): void {
  let before: string;
  try {
    before = dumpText(new MemoryDevice(bytes, 'fuzz', true));
  } catch (e) {
    if (isSnapscopeError(e)) return; // what check refuses, or a header it cannot use
    throw e;
  }
  const { header, source } = parseDump(before); // a dump always reads back
  const copy = new MemoryDevice(bytes.slice(), 'copy');
  try {
    restore(copy, header, source);
  } catch (e) {
    if (isSnapscopeError(e) && errors > 0 && e.code !== 'usage') return;
    throw e;
  }
  expect(dumpText(new MemoryDevice(copy.bytes, 'copy', true))).toBe(before);
}

describe('fuzz: check and repair over mutated stores', () => {
  for (const [name, base] of [['shared', shared], ['persistent', persistent]] as const) {
    it(`${name}: every mutation gives a report or a clear error, fast, read-only; repair then checks clean; a dump restores to the same dump`, () => {
      const hot = hotOffsets(base, name);
      const deadline = Date.now() + BUDGET_MS;
      fc.assert(
        fc.property(fc.array(mutation(base.length, hot), { minLength: 1, maxLength: 8 }), (muts) => {
          if (Date.now() > deadline) return;
          const bytes = mutate(base, muts);
          const t0 = cpuMs();
          const errors = checkOrClearError(bytes);
          expect(cpuMs() - t0).toBeLessThan(PER_INPUT_CPU_MS);
          repairThenCheck(bytes);
          if (errors !== null) dumpRestoreDump(bytes, errors);
        }),
        { numRuns: RUNS },
      );
    }, HUNT ? 24 * 3600_000 : undefined);
  }
});
