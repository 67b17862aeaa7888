import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Restore reads a dump of any size in bounded memory: a generated dump many times larger than
 * the heap the reader is given streams through it, one line or many, JSON or XML. The default
 * size keeps the test short; SNAPSCOPE_BIG_DUMP=1 reads 10M exceptions (about 300 MB of JSON).
 */
const BIG = Boolean(process.env['SNAPSCOPE_BIG_DUMP']);
const HEAP_MIB = 32;
const CHILD = path.join(import.meta.dirname, 'reader-memory-child.ts');

function streamThrough(form: string, n: number): { exceptions: number; sum: number; bytes: number; maxRss: number } {
  const out = execFileSync(process.execPath, [`--max-old-space-size=${HEAP_MIB}`, '--import', 'tsx', CHILD, form, String(n)], { encoding: 'utf8', timeout: 600_000 });
  return JSON.parse(out) as ReturnType<typeof streamThrough>;
}

/** Σ (origin + chunk + share low word) over the generated exceptions. */
function checksum(n: number): number {
  return n * (n - 1) + 100 * n + [1, 2, 3].reduce((a, share) => a + share * Math.ceil((n - share + 1) / 3), 0);
}

describe('reading a large dump', () => {
  // Each dump is larger than the heap: about 22 bytes an exception in JSON, 55 in XML.
  for (const [form, n] of [['json', 2_000_000], ['json-one-line', 2_000_000], ['xml', 1_000_000]] as const) {
    const count = BIG ? 10_000_000 : n;
    it(`${form}: ${count} exceptions stream through a ${HEAP_MIB} MiB heap`, { timeout: 600_000 }, () => {
      const r = streamThrough(form, count);
      expect(r.exceptions).toBe(count);
      expect(r.sum).toBe(checksum(count));
      expect(r.bytes).toBeGreaterThan(HEAP_MIB * 2 ** 20);
      console.log(`${form}: ${(r.bytes / 2 ** 20).toFixed(0)} MiB of dump, peak RSS ${(r.maxRss / 2 ** 20).toFixed(0)} MiB`);
      expect(r.maxRss).toBeLessThan(160 * 2 ** 20);
    });
  }
});
