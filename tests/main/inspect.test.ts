import fs from 'node:fs';
import { afterEach, expect, it } from 'vitest';
import type { EngineClient, JobInfo, JobKind, JobResults } from '../../src-core/api/contract.ts';
import type { EngineService } from '../../src-main/host/engine-service.ts';
import { inProcess, persistentPair, tempDir } from './fixtures.ts';

/** check, stats and dump through the contract, on both formats, as jobs. */
let service: EngineService;
afterEach(async () => service?.dispose());

function setup(): { c: EngineClient; dir: string } {
  const dir = tempDir();
  const r = inProcess(dir);
  service = r.service;
  return { c: r.client, dir };
}

async function result<K extends JobKind>(c: EngineClient, job: JobInfo, kind: K): Promise<JobResults[K]> {
  const end = await c.jobWait({ job: job.id });
  expect(end.error).toBeNull();
  expect(end.kind).toBe(kind);
  return end.result as JobResults[K];
}

it('shared store: check is clean, stats match the snapshot table, dump lists every exception', async () => {
  const { c } = setup();
  const demo = await c.createDemo({});
  const s = await c.open({ cow: demo.cow, origin: demo.origin });
  const info = s.info;

  const check = await result(c, await c.check({ session: s.session }), 'check');
  expect(check).toMatchObject({ clean: true, errors: 0, exceptions: info.exceptions });

  const stats = await result(c, await c.stats({ session: s.session }), 'stats');
  expect(stats.format).toBe('shared');
  expect(stats.exceptions).toBe(info.exceptions);
  expect(stats.snapshots.map(({ slot, exceptions, unique, shared }) => ({ slot, exceptions, unique, shared }))).toEqual(
    info.snapshots.map(({ slot, exceptions, unique, shared }) => ({ slot, exceptions, unique, shared })),
  );
  expect(stats.tree?.depth).toBe((info.tree?.levels ?? 0) + 1);

  const dump = await result(c, await c.dump({ session: s.session }), 'dump');
  const parsed = JSON.parse(dump.text) as { format: string; exceptions: [number, number, string][] };
  expect(parsed.format).toBe('shared');
  expect(parsed.exceptions).toHaveLength(info.exceptions);
  expect(dump).toMatchObject({ truncated: false, exceptions: info.exceptions, errors: 0 });

  const cut = await result(c, await c.dump({ session: s.session, format: 'xml', maxBytes: 1000 }), 'dump');
  expect(cut.truncated).toBe(true);
  expect(Buffer.byteLength(cut.text)).toBeLessThanOrEqual(1000);
  expect(cut.text.startsWith('<snapscope_dump')).toBe(true);
});

it('shared store: check names the chunk of a damaged leaf', async () => {
  const { c } = setup();
  const demo = await c.createDemo({});
  const s = await c.open({ cow: demo.cow });
  const leaf = (await c.pathTo({ session: s.session, key: 1500 })).leaf;
  await c.close({ session: s.session });
  // The chunk field of the leaf's first exception (packed from the end): past the end of the COW.
  const fd = fs.openSync(demo.cow, 'r+');
  const bad = Buffer.alloc(8);
  bad.writeBigUInt64LE(1n << 40n);
  fs.writeSync(fd, bad, 0, 8, (leaf + 1) * s.info.chunkBytes - 8);
  fs.closeSync(fd);
  // It opens only read-only, tolerating the damage (tests/main/damaged-session.test.ts); check and
  // dump take the path and say what is wrong, where.
  const damaged = await c.open({ cow: demo.cow });
  expect(damaged.info.damage?.errors).toBeGreaterThan(0);
  await c.close({ session: damaged.session });
  const check = await result(c, await c.check({ cow: demo.cow }), 'check');
  expect(check.clean).toBe(false);
  expect(check.findings).toContainEqual(expect.objectContaining({ severity: 'error', where: expect.objectContaining({ chunk: leaf }) }));
  const dump = await result(c, await c.dump({ cow: demo.cow }), 'dump');
  expect(dump.errors).toBeGreaterThan(0);
  expect(dump.exceptions).toBeLessThan(s.info.exceptions); // what check vouches for
  await expect(c.check({ cow: `${demo.dir}/origin.img` })).rejects.toMatchObject({ code: 'not-a-store' });
  expect(await service.call('check', { cow: demo.cow, session: 's1' })).toMatchObject({ ok: false, error: { code: 'bad-request' } });
  expect(await service.call('stats', {})).toMatchObject({ ok: false, error: { code: 'bad-request' } });
});

it('persistent store: check, stats and dump', async () => {
  const { c, dir } = setup();
  const { cow, origin } = persistentPair(dir);
  const s = await c.open({ cow, origin, write: true });
  for (const chunk of [4, 1, 9]) await c.writeChunk({ session: s.session, to: 'origin', chunk, fill: chunk });
  expect(await result(c, await c.check({ session: s.session }), 'check')).toMatchObject({ clean: true, exceptions: 3 });
  const stats = await result(c, await c.stats({ session: s.session }), 'stats');
  expect(stats).toMatchObject({ format: 'persistent', exceptions: 3, tree: null, bitmap: null });
  expect(stats.snapshots).toEqual([{ slot: 0, name: 'snap', exceptions: 3, unique: 3, shared: 0, bytes: 3 * 4096 }]);
  expect(stats.persistent?.kernel).toEqual((await c.info({ session: s.session })).kernelStatus);
  const dump = await result(c, await c.dump({ session: s.session, format: 'xml' }), 'dump');
  expect(dump.text.match(/<exception origin="(\d+)"/g)?.map((m) => Number(/\d+/.exec(m)![0]))).toEqual([4, 1, 9]); // table order
});

it('a reading job and writes exclude each other, naming the job', async () => {
  const { c, dir } = setup();
  const { cow, origin } = persistentPair(dir);
  const s = await c.open({ cow, origin, write: true });
  const check = await c.check({ session: s.session });
  await c.jobPause({ job: check.id }); // before its first slice: it holds the reader lock, reads nothing yet
  await expect(c.writeChunk({ session: s.session, to: 'origin', chunk: 0, fill: 1 })).rejects.toMatchObject({ code: 'busy', message: expect.stringContaining(check.id) });
  await expect(c.close({ session: s.session })).rejects.toMatchObject({ code: 'busy' });
  await c.jobResume({ job: check.id });
  expect((await c.jobWait({ job: check.id })).state).toBe('done');
  await c.writeChunk({ session: s.session, to: 'origin', chunk: 0, fill: 1 });

  const writes = await c.randomWrites({ session: s.session, to: 'origin', count: 10, commitEvery: 5 });
  await c.jobPause({ job: writes.id });
  await expect(c.stats({ session: s.session })).rejects.toMatchObject({ code: 'busy', message: expect.stringContaining(writes.id) });
  await c.jobResume({ job: writes.id });
  await c.jobWait({ job: writes.id });
});
