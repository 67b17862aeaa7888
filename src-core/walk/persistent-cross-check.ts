/** What only the whole persistent table shows, checked after its walk: old_chunks remapped twice, and leaked chunks. */
import { NUM_SNAPSHOT_HDR_CHUNKS, type Geometry } from '../persistent/format.ts';
import { forEachRepeat } from '../persistent/exception-table.ts';
import type { FindingLog } from './findings.ts';
import type { TableSoFar } from './persistent-table.ts';

/**
 * Table indexes of the entries remapping an old_chunk an earlier entry remaps, each a finding:
 * found during the table pass, or here by one linear pass when values were too large for its bitmap.
 */
export function findOriginDuplicates(t: TableSoFar, log: FindingLog, geo: Geometry): number[] {
  const olds = t.olds.subarray(0, t.exceptions);
  const repeats: number[] = [];
  const each = (visit: (n: number) => void): void => {
    if (t.seenOverflow) forEachRepeat(olds, visit);
    else for (const n of t.repeats) visit(n);
  };
  each((n) => {
    const old = olds[n]!;
    repeats.push(n);
    const epa = geo.exceptionsPerArea;
    // The earlier entry is named for the first duplicate (a search per duplicate would be quadratic).
    const first = repeats.length === 1 ? olds.indexOf(old) : -1;
    const earlier = first < 0 ? 'earlier in the table' : `in entry ${first % epa} of area ${Math.floor(first / epa)}`;
    log.add('p-origin-duplicate', geo.areaLocation(Math.floor(n / epa)), `old_chunk ${old} already has an exception ${earlier}`, { entry: n % epa, field: 'old_chunk', expected: 'one exception per old_chunk', found: old });
  });
  return repeats;
}

/**
 * The kernel counts every chunk below next_free as allocated: unused ones are leaks. Every used
 * chunk is a data chunk below next_free, so equal counts mean no leak (no scan chunk by chunk).
 */
export function findLeaks(t: TableSoFar, log: FindingLog, geo: Geometry): void {
  const nextFree = t.maxChunk + 1;
  const first = NUM_SNAPSHOT_HDR_CHUNKS + 1;
  const areasBelow = nextFree > first ? Math.floor((nextFree - first) / geo.stride) : 0;
  if (t.accepted === Math.max(0, nextFree - first - areasBelow)) return;
  // A table in order cannot leak, and one out of order has every entry marked; this keeps the scan right regardless.
  t.markUsed();
  let run = -1;
  let leaked = 0;
  for (let c = first; c <= nextFree; c++) {
    if (c < nextFree && geo.isMetadataChunk(c)) continue; // areas neither leak nor end a run
    if (c < nextFree && !t.used.has(c)) {
      if (run < 0) run = c;
      leaked++;
    } else if (run >= 0) {
      log.add('p-usage-leak', run, `${leaked} data chunks from ${run} to ${c - 1} are below next_free (${nextFree}) but no exception uses them`, { expected: 'used', found: `${leaked} unused` });
      run = -1;
      leaked = 0;
    }
  }
}
