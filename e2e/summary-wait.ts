/**
 * How long a lookup waits behind the occupancy summary of a big store, over `snapscope serve`:
 * A, the summary's owners pass as one whole-device call; B, as the app asks it now, a slice at a
 * time (summary-slices.ts). Each round renames a snapshot first (a change: the host drops its
 * exception index, as after any commit), then runs the pass while a `pathTo` lookup is asked every
 * 5 ms; it prints the pass's time and the lookups' worst and median waits. Interleaved A B A B.
 *   npx tsx e2e/summary-wait.ts [rounds]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SUMMARY_BUCKETS } from '../src-renderer/store/occupancy-slice.ts';
import { summaryInSlices } from '../src-renderer/store/summary-slices.ts';
import { apiCall } from './api.ts';
import { makeBigStore } from './big-store.ts';
import { serve } from './server.ts';

const rounds = Number(process.argv[2] ?? 6);
const dir = fs.mkdtempSync(path.join('/dev/shm', 'snapscope-summary-wait-'));
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
try {
  const big = makeBigStore(dir);
  const served = await serve([], { XDG_DATA_HOME: dir, HOME: dir });
  try {
    const { session } = await apiCall(served.url, 'open', { cow: big.cow, write: true });
    const total = big.chunkCount;
    const buckets = Math.min(total, SUMMARY_BUCKETS);
    const ask = (r: { start: number; end: number; buckets: number }) => apiCall(served.url, 'occupancy', { session, ...r, bySnapshot: true });
    const passes = {
      A: () => ask({ start: 0, end: total, buckets }),
      B: () => summaryInSlices(ask, total, buckets, () => false),
    };
    const results: Record<'A' | 'B', { pass: number[]; worst: number[]; median: number[] }> = { A: { pass: [], worst: [], median: [] }, B: { pass: [], worst: [], median: [] } };
    await passes.A(); // the index built once, warm
    let name = 0;
    for (let r = 0; r < rounds; r++) {
      for (const k of r % 2 === 0 ? (['A', 'B'] as const) : (['B', 'A'] as const)) {
        await apiCall(served.url, 'snapshotRename', { session, snapshot: 0, name: `monday-${name++}` });
        const waits: number[] = [];
        let running = true;
        const lookups = (async () => {
          while (running) {
            const t = performance.now();
            await apiCall(served.url, 'pathTo', { session, key: 123_456 });
            waits.push(performance.now() - t);
            await new Promise((done) => setTimeout(done, 5));
          }
        })();
        const t = performance.now();
        await passes[k]();
        results[k].pass.push(performance.now() - t);
        running = false;
        await lookups;
        results[k].worst.push(Math.max(...waits));
        results[k].median.push(median(waits));
      }
    }
    const fmt = (xs: number[]): string => xs.map((x) => x.toFixed(0)).join(' ');
    for (const k of ['A', 'B'] as const) {
      const x = results[k];
      console.log(`${k}: pass ms ${fmt(x.pass)} (median ${median(x.pass).toFixed(0)}); worst lookup wait ${fmt(x.worst)} (median ${median(x.worst).toFixed(0)}); median lookup wait ${fmt(x.median)} (median ${median(x.median).toFixed(0)})`);
    }
    console.log(`load average: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; ${big.exceptions} exceptions, ${total} chunks`);
  } finally {
    await served.stop();
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
