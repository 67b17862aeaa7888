import fs from 'node:fs';
import { afterEach, expect, it } from 'vitest';
import { createClient, type CallArgs, type Method } from '../../src-core/api/contract.ts';
import type { EngineService } from '../../src-main/host/engine-service.ts';
import { createAppStore } from '../../src-renderer/store/index.ts';
import { SUMMARY_BUCKETS } from '../../src-renderer/store/occupancy-slice.ts';
import { SUMMARY_SLICE_CHUNKS, summaryInSlices } from '../../src-renderer/store/summary-slices.ts';
import { makeBigStore } from '../../e2e/big-store.ts';
import { appOverEngine, demoStore, kernelFixture, tempDir, until } from './fixtures.ts';

let service: EngineService | undefined;
let dir: string | undefined;
afterEach(async () => {
  await service?.dispose();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

// The summary asked a slice at a time must be what one call over the whole device answers, for
// either format, whatever the bucket count (the last bucket is often narrower) and slice size.
it('the summary joined from slices equals one whole-device call, for both formats', async () => {
  dir = tempDir();
  const app = appOverEngine(dir);
  service = app.service;
  for (const open of [() => demoStore(app.client, dir!), async () => kernelFixture('p-multiarea-c8', dir!)]) {
    const { session, info } = await app.client.open(await open());
    const total = info.chunkCount;
    for (const buckets of [1, 7, 37, 64, 1000, total]) {
      const whole = await app.client.occupancy({ session, start: 0, end: total, buckets, bySnapshot: true });
      for (const slice of [50, 333, total]) {
        const asked: { start: number; end: number }[] = [];
        const joined = await summaryInSlices(
          (r) => (asked.push(r), app.client.occupancy({ session, ...r, bySnapshot: true })),
          total,
          buckets,
          () => false,
          slice,
        );
        expect(joined, `${info.format}, ${buckets} buckets, slices of ${slice}`).toEqual(whole);
        for (const r of asked) expect(r.end - r.start).toBeLessThanOrEqual(Math.max(slice, whole.chunksPerBucket));
      }
    }
    await app.client.close({ session });
  }
});

// On a store of a million exceptions the summary's owners pass was one call over the whole device,
// holding the engine thread 0.3–0.6 s: a lookup asked meanwhile waited behind all of it.
it("the app's summary of a big store asks who reads the data a slice at a time", async () => {
  dir = tempDir();
  const big = makeBigStore(dir);
  const { service: engine } = appOverEngine(dir);
  service = engine;
  const asked: CallArgs<'occupancy'>[] = [];
  const client = createClient({
    call: async (method: Method, args: unknown) => {
      if (method === 'occupancy') asked.push(args as CallArgs<'occupancy'>);
      return engine.call(method, args);
    },
    subscribe: (listener) => engine.subscribe(listener),
  });
  const store = createAppStore(client);
  await store.getState().openStore({ cow: big.cow });
  expect(big.chunkCount).toBeGreaterThan(4 * SUMMARY_SLICE_CHUNKS);
  await store.getState().loadOccupancySummary();
  await until(store, (s) => s.occupancySummary?.owners !== undefined);
  const slices = asked.filter((a) => a.bySnapshot);
  expect(slices.length).toBeGreaterThan(1);
  for (const a of slices) expect(a.end - a.start).toBeLessThanOrEqual(SUMMARY_SLICE_CHUNKS);
  const summary = store.getState().occupancySummary!;
  const whole = await client.occupancy({ session: store.getState().session!.session, start: 0, end: big.chunkCount, buckets: SUMMARY_BUCKETS, bySnapshot: true });
  // Compared as text: a failing toEqual of 32,768-bucket columns takes minutes to print its diff.
  const { counts, owners, ...rest } = summary;
  expect(rest).toEqual({ start: whole.start, end: whole.end, buckets: whole.buckets, chunksPerBucket: whole.chunksPerBucket });
  for (const [role, column] of Object.entries(whole.counts)) expect(String(counts[role as keyof typeof counts]), role).toBe(String(column));
  expect(owners!.slots.map((o) => o.slot)).toEqual(whole.owners!.slots.map((o) => o.slot));
  owners!.slots.forEach((o, i) => expect(String(o.counts), `slot ${o.slot}`).toBe(String(whole.owners!.slots[i]!.counts)));
  expect(String(owners!.shared)).toBe(String(whole.owners!.shared));
}, 60_000);
