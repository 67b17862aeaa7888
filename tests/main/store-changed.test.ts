import { afterEach, expect, it } from 'vitest';
import type { ApiEvent, StoreInfo } from '../../src-core/api/contract.ts';
import { applyInfoDelta } from '../../src-core/api/info-delta.ts';
import type { EngineService } from '../../src-main/host/engine-service.ts';
import { inProcess, tempDir } from './fixtures.ts';

let service: EngineService;
afterEach(async () => service?.dispose());

it('store-changed events carry only what changed, and applied in order they give the info a fresh call returns', async () => {
  const r = inProcess(tempDir());
  service = r.service;
  const c = r.client;
  const demo = await c.createDemo({});
  const s = await c.open({ cow: demo.cow, origin: demo.origin, write: true });
  const changes: Extract<ApiEvent, { type: 'store-changed' }>[] = [];
  c.onEvent((e) => e.type === 'store-changed' && e.session === s.session && changes.push(e));
  let info: StoreInfo = s.info;
  const sync = () => {
    for (const e of changes.splice(0)) info = applyInfoDelta(info, e.delta);
  };

  await c.writeChunk({ session: s.session, to: 'origin', chunk: 900, fill: 1 });
  sync();
  await c.writeChunk({ session: s.session, to: 'origin', chunk: 901, fill: 2 });
  const second = changes[0]!.delta;
  // Nothing about the device or the labels moved; the counts of every snapshot did (an origin write).
  expect(second).not.toHaveProperty('device');
  expect(second).not.toHaveProperty('chunkBytes');
  expect(second.exceptions).toBe(info.exceptions + 1);
  sync();
  expect(info).toEqual(await c.info({ session: s.session }));

  const first = info.snapshots[0]!;
  await c.writeChunk({ session: s.session, to: first.slot, chunk: 905, fill: 3 });
  // A snapshot write moves that snapshot's figures only.
  expect(changes[0]!.delta.snapshots?.map((x) => x.slot)).toEqual([first.slot]);
  sync();
  expect(info).toEqual(await c.info({ session: s.session }));

  const extra = await c.snapshotCreate({ session: s.session, name: 'extra' });
  await c.snapshotDelete({ session: s.session, snapshot: first.slot });
  expect(changes.at(-1)!.delta.goneSlots).toEqual([first.slot]);
  sync();
  const fresh = await c.info({ session: s.session });
  expect(info).toEqual(fresh);
  expect(fresh.snapshots.map((x) => x.slot)).toContain(extra.slot);
});
