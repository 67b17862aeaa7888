import { afterEach, describe, expect, it } from 'vitest';
import { ApiError, METHODS, type ApiEvent, type EngineClient } from '../../src-core/api/contract.ts';
import type { EngineService } from '../../src-main/host/engine-service.ts';
import { inProcess, persistentPair, tempDir } from './fixtures.ts';

let service: EngineService;
let client: EngineClient;
let dir: string;

function setup(): { cow: string; origin: string } {
  dir = tempDir();
  ({ service, client } = inProcess(dir));
  return persistentPair(dir);
}

afterEach(async () => {
  await service?.dispose();
});

async function failure(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error('expected the call to fail');
}

describe('the contract, in process, over real engines and files', () => {
  it('lists every method once, and every method answers (or fails with the error shape)', async () => {
    setup();
    expect(new Set(METHODS).size).toBe(METHODS.length);
    for (const m of METHODS) {
      const r = await service.call(m, { session: 'nope', job: 'nope' });
      expect(r.ok === true || typeof r.error.code === 'string').toBe(true);
    }
  });

  it('rejects bad arguments with a typed error, never a crash', async () => {
    setup();
    expect((await service.call('info', null)).ok).toBe(false);
    expect(await service.call('info', { session: 5 })).toMatchObject({ ok: false, error: { code: 'bad-request', where: { field: 'session' } } });
    expect(await service.call('info', { session: 's1', extra: 1 })).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(await service.call('occupancy', { session: 's1', start: -1, end: 2, buckets: 1 })).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(await service.call('nonsense', {})).toMatchObject({ ok: false, error: { code: 'unknown-method' } });
    expect(await service.call('__proto__', {})).toMatchObject({ ok: false, error: { code: 'unknown-method' } });
    expect((await failure(client.info({ session: 's99' }))).code).toBe('unknown-session');
    expect((await failure(client.jobCancel({ job: 'job-x' }))).code).toBe('unknown-job');
  });

  it('opens read-only by default and refuses writes with a clear error', async () => {
    const { cow, origin } = setup();
    const s = await client.open({ cow, origin });
    expect(s).toMatchObject({ write: false, format: 'persistent', origin, viaHelper: false });
    expect(s.info.exceptions).toBe(0);
    const e = await failure(client.writeChunk({ session: s.session, to: 'origin', chunk: 1, fill: 7 }));
    expect(e.code).toBe('read-only');
    expect(e.message).toMatch(/read-only/);
  });

  it('writes, reads views, pages the exception table and counts occupancy', async () => {
    const { cow, origin } = setup();
    const events: ApiEvent[] = [];
    client.onEvent((e) => events.push(e));
    const s = await client.open({ cow, origin, write: true });
    const before = Buffer.from((await client.readChunk({ session: s.session, from: 'origin', chunk: 3 })).data, 'base64');
    const info = await client.writeChunk({ session: s.session, to: 'origin', chunk: 3, fill: 0xab });
    expect(info.exceptions).toBe(1);
    const after = Buffer.from((await client.readChunk({ session: s.session, from: 'origin', chunk: 3 })).data, 'base64');
    const snap = Buffer.from((await client.readChunk({ session: s.session, from: 'snap', chunk: 3 })).data, 'base64');
    expect(after.every((b) => b === 0xab)).toBe(true);
    expect(snap.equals(before)).toBe(true);
    expect(events.some((e) => e.type === 'store-changed' && e.reason === 'write')).toBe(true);

    await client.writeChunk({ session: s.session, to: 'origin', chunk: 1, fill: 1 });
    const page = await client.exceptionTable({ session: s.session, offset: 0, limit: 10, sort: 'origin' });
    expect(page).toMatchObject({ total: 2, matched: 2 });
    expect(page.rows.map((r) => r.origin)).toEqual([1, 3]);
    const filtered = await client.exceptionTable({ session: s.session, offset: 0, limit: 10, originFrom: 2, originTo: 9 });
    expect(filtered.rows.map((r) => r.origin)).toEqual([3]);
    const areas = await client.areas({ session: s.session });
    expect(areas.areas[0]).toMatchObject({ index: 0, entries: 2 });

    const occ = await client.occupancy({ session: s.session, start: 0, end: info.chunkCount, buckets: 4 });
    const total = Object.values(occ.counts).reduce((n, c) => n + c.reduce((a, b) => a + b, 0), 0);
    expect(total).toBe(info.chunkCount);
    expect((await failure(client.occupancy({ session: s.session, start: 0, end: info.chunkCount + 1, buckets: 4 }))).code).toBe('bad-request');
    expect((await failure(client.readChunk({ session: s.session, from: 'origin', chunk: 1 << 30 }))).code).toBe('bad-request');
  });

  it('gives the same session to a second open, and shows it to every client', async () => {
    const { cow, origin } = setup();
    const a = await client.open({ cow, origin });
    const b = await client.open({ cow });
    expect(b.session).toBe(a.session);
    expect((await client.sessions({})).sessions).toHaveLength(1);
    expect((await client.recentStores({})).stores[0]).toMatchObject({ cow, format: 'persistent' });
    await client.close({ session: a.session });
    expect((await failure(client.info({ session: a.session }))).code).toBe('unknown-session');
  });

  it('says what the shared-store-only calls need', async () => {
    const { cow } = setup();
    const s = await client.open({ cow });
    expect((await failure(client.treeRoot({ session: s.session }))).code).toBe('unsupported');
    expect((await failure(client.snapshotCreate({ session: s.session }))).code).toBe('read-only');
  });

  it('keeps a session when reopening it with other options fails', async () => {
    const { cow, origin } = setup();
    const a = await client.open({ cow, origin, write: true });
    await expect(client.open({ cow, origin: `${origin}.missing` })).rejects.toMatchObject({ code: 'not-found' });
    expect((await client.sessions({})).sessions).toEqual([expect.objectContaining({ session: a.session, origin, write: true })]);
  });

  it('gives the dmsetup table line of a store', async () => {
    const { cow, origin } = setup();
    const s = await client.open({ cow, origin });
    const t = await client.dmTable({ session: s.session });
    expect(t.table).toBe(`0 2048 snapshot ${origin} ${cow} P 8`);
    expect(t.command).toBe(`dmsetup create snap --table '0 2048 snapshot ${origin} ${cow} P 8'`);
    expect((await client.dmTable({ session: s.session, name: 'vg-snap_1' })).command).toMatch(/^dmsetup create vg-snap_1 /);
    expect(await service.call('dmTable', { session: s.session, name: "x'; rm -rf ~" })).toMatchObject({ ok: false, error: { code: 'bad-request', where: { field: 'name' } } });
  });

  it('lists devices and images with their detected format', async () => {
    const { cow } = setup();
    const r = await client.listDevices({ dir });
    expect(r.images.find((i) => i.path === cow)?.format).toBe('persistent');
    expect(r.images.find((i) => i.name === 'origin.img')?.format).toBe('unknown');
    expect(Array.isArray(r.devices)).toBe(true);
    const pairs = await client.discoverPairs({});
    expect(typeof pairs.tools.dmsetup).toBe('boolean');
  });
});
