import fc from 'fast-check';
import { afterEach, expect, it } from 'vitest';
import type { EngineService } from '../../src-main/host/engine-service.ts';
import { bucketClasses, type ChunkClass } from '../../src-renderer/viz/chunk-class.ts';
import { OccupancySummary } from '../../src-renderer/viz/occupancy-summary.ts';
import { appOverEngine, demoStore, tempDir } from './fixtures.ts';

let service: EngineService | undefined;
afterEach(async () => service?.dispose());

it('the local summary answers any chunk range like the host: exactly from one-chunk buckets, and at bucket edges of coarser ones; a frame\'s top classes and densities too', async () => {
  const dir = tempDir();
  const app = appOverEngine(dir);
  service = app.service;
  const s = app.store.getState();
  await s.openStore(await demoStore(app.client, dir));
  const { session, info } = app.store.getState();
  const total = info!.chunkCount;
  const ask = (buckets: number) => app.client.occupancy({ session: session!.session, start: 0, end: total, buckets, bySnapshot: true });
  const perChunk = await ask(total);
  const classOf = [...Array(total).keys()].map((c) => bucketClasses(perChunk, c)[0]![0]);
  const exact = (a: number, b: number): Map<ChunkClass, number> => {
    const m = new Map<ChunkClass, number>();
    for (let c = a; c < b; c++) m.set(classOf[c]!, (m.get(classOf[c]!) ?? 0) + 1);
    return m;
  };
  const fine = new OccupancySummary(perChunk);
  const coarse = new OccupancySummary(await ask(64));
  fc.assert(
    fc.property(fc.nat(total - 1), fc.nat(total - 1), (x, y) => {
      const [a, b] = x <= y ? [x, y + 1] : [y, x + 1];
      expect(new Map(fine.classesIn(a, b))).toEqual(exact(a, b));
      const per = coarse.per;
      const [ea, eb] = [Math.floor(a / per) * per, Math.min(total, Math.ceil(b / per) * per)];
      expect(new Map(coarse.classesIn(ea, eb))).toEqual(exact(ea, eb));
    }),
    { numRuns: 200, seed: 3 },
  );
  // A frame's cells: each one's top class holds the most chunks and its density is the share used.
  fc.assert(
    fc.property(fc.nat(total - 1), fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 40 }), (start, per, n) => {
      const end = Math.min(total, start + per * n);
      const cells = Math.ceil((end - start) / per);
      const [tops, densities] = [new Int32Array(cells), new Float64Array(cells)];
      fine.topsInto(start, per, cells, end, tops, densities);
      for (let i = 0; i < cells; i++) {
        const [a, b] = [start + i * per, Math.min(end, start + (i + 1) * per)];
        const used = [...exact(a, b)].filter(([c]) => c !== 'free');
        const most = Math.max(0, ...used.map(([, x]) => x));
        expect(tops[i] === -1 ? 0 : exact(a, b).get(fine.classes[tops[i]!]!)).toBe(most);
        expect(densities[i]).toBeCloseTo(used.reduce((sum, [, x]) => sum + x, 0) / (b - a), 9);
      }
    }),
    { numRuns: 200, seed: 5 },
  );
  expect(fine.serves(0, total, 1)).toBe(true);
  expect(coarse.serves(0, total, 1)).toBe(false);
  expect(coarse.serves(0, total, coarse.per)).toBe(true);
});
