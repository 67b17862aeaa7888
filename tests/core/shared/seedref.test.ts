/**
 * Stores written by the seed's own code (test-fixtures/seedref: the seed's store ported to C,
 * driven by the scripts beside each image; make.py says how they were made). They have no
 * snapscope header extension, using_mask 0 in every leaf, bitmap bits past the device end left
 * free, one to three tree levels, and one with a snapshot deleted. snapscope opens them, reads
 * exactly what the seed's `map` says each snapshot reads, checks them clean, dumps and restores
 * them, and writes to them; where a built seedref is at hand ($SEEDREF, or the shared tools), the
 * seed's own check accepts what snapscope wrote (using_mask now set, the extension present).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { checkTask } from '../../../src-core/check/check.ts';
import { MemoryDevice } from '../../../src-core/io/memory-device.ts';
import { runToEnd } from '../../../src-core/jobs/job.ts';
import { decodeHeader } from '../../../src-core/shared/format/header.ts';
import { SharedStore } from '../../../src-core/shared/index.ts';
import { dumpText, parseDump } from '../ir/helpers.ts';
import { restore } from '../../../src-core/ir/restore.ts';

const DIR = path.join(import.meta.dirname, '../../../test-fixtures/seedref');
const CB = 512;
const SEEDREF = [process.env.SEEDREF, '/work/shared/tools/seedref/seedref'].find((p) => p && fs.existsSync(p));

function text(name: string): string {
  const plain = path.join(DIR, name);
  return fs.existsSync(plain) ? fs.readFileSync(plain, 'utf8') : zlib.gunzipSync(fs.readFileSync(`${plain}.gz`)).toString('utf8');
}

/** What the seed says each snapshot reads: `map S C exception X ...` or `map S C origin` (-1). */
function seedMaps(name: string): [slot: number, chunk: number, cow: number][] {
  const out: [number, number, number][] = [];
  for (const m of text(`${name}.out`).matchAll(/^map (\d+) (\d+) (?:exception (\d+)|origin)/gm)) out.push([Number(m[1]), Number(m[2]), m[3] === undefined ? -1 : Number(m[3])]);
  return out;
}

const CASES: [name: string, levels: number][] = [
  ['one-level', 1],
  ['two-levels', 2],
  ['three-levels', 3],
  ['after-delete', 2],
];

describe('stores written by the seed', () => {
  for (const [name, levels] of CASES) {
    it(`${name}: opens, reads what the seed reads, checks clean, dumps, restores and takes writes`, () => {
      const bytes = new Uint8Array(zlib.gunzipSync(fs.readFileSync(path.join(DIR, `${name}.img.gz`))));
      const h = decodeHeader(bytes, name);
      expect([h.extension, h.treeLevel]).toEqual([false, levels]);
      const maps = seedMaps(name);
      expect(maps.length).toBeGreaterThan(50);

      const report = runToEnd(checkTask(new MemoryDevice(bytes, name, true)));
      expect(report.errors, JSON.stringify(report.findings.slice(0, 3))).toBe(0);
      const store = SharedStore.open(new MemoryDevice(bytes, name, true));
      for (const [slot, chunk, cow] of maps) expect(store.lookup(slot, chunk), `snapshot ${slot} chunk ${chunk}`).toBe(cow);

      const dump = dumpText(new MemoryDevice(bytes, name, true));
      const copy = new MemoryDevice(bytes.length, 'copy');
      const { header, source } = parseDump(dump);
      restore(copy, header, source);
      expect(dumpText(copy)).toBe(dump);

      // snapscope writes: a new snapshot (labels: the header extension appears), origin writes.
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'seedref-')), `${name}.img`);
      const cow = new MemoryDevice(bytes.slice(), name);
      const origin = new MemoryDevice(CB * 40_000, 'origin');
      const w = SharedStore.open(cow, { write: true });
      const fresh = w.createSnapshot({ name: 'from-snapscope' }).slot;
      for (let c = 0; c < 300; c += 7) w.writeOrigin(origin, c, new Uint8Array(CB).fill(7));
      w.commit();
      w.close();
      expect(decodeHeader(cow.bytes, name).extension).toBe(true);
      expect(runToEnd(checkTask(new MemoryDevice(cow.bytes, name, true))).errors).toBe(0);
      const again = SharedStore.open(new MemoryDevice(cow.bytes, name, true));
      for (const [slot, chunk, was] of maps) if (slot !== fresh && was >= 0) expect(again.lookup(slot, chunk)).toBe(was);
      expect(again.lookup(fresh, 7)).toBeGreaterThan(0);

      if (!SEEDREF) return; // CI has no gcc build of the seed: the seed's own check runs where it is built
      fs.writeFileSync(file, cow.bytes);
      // The seed knows nothing of snapscope's label chain (the header extension): it sees the
      // label block as allocated and unreferenced, and reports that leak — and only that.
      const labelChunk = decodeHeader(cow.bytes, name).labelChunk;
      let seedCheck: string;
      try {
        seedCheck = execFileSync(SEEDREF, ['-q', file, '1'], { input: 'open\ncheck\n', encoding: 'utf8' });
      } catch (e) {
        seedCheck = String((e as { stdout?: string }).stdout);
      }
      const problems = seedCheck.split('\n').filter((l) => l.startsWith('check problem'));
      expect(problems).toEqual([`check problem: chunk ${labelChunk} allocated but unreferenced (leak)`]);
    });
  }
});
