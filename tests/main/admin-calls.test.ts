/** Issue 15's host side: generations, changes on disk by others, reload, merge abandon, repair to a new file, the file chooser. */
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { SharedStore } from '../../src-core/shared/index.ts';
import { createSharedMerge } from '../../src-core/shared/merge/index.ts';
import { FileDevice } from '../../src-main/host/file-device.ts';
import { snapscope, startApi } from './api-client.ts';
import { demoCopy, tempDir } from './fixtures.ts';

/** The demo store and a byte-for-byte copy of it beside it. */
function demoAndTwin(dir: string): { demo: { cow: string; origin: string }; twin: { cow: string; origin: string } } {
  const demo = demoCopy(dir);
  const twin = { cow: path.join(dir, 'twin.cow'), origin: path.join(dir, 'twin.img') };
  fs.copyFileSync(demo.cow, twin.cow);
  fs.copyFileSync(demo.origin, twin.origin);
  return { demo, twin };
}

it('every commit bumps the generation; a commit by another program is announced once, refuses writes as stale, and reload reads it', async () => {
  const dir = tempDir();
  const demo = demoCopy(dir);
  const { c, events } = startApi(dir);
  const s = await c.open({ cow: demo.cow, origin: demo.origin, write: true });
  const g0 = s.generation!;
  await c.snapshotCreate({ session: s.session, name: 'mine' });
  const changed = events.filter((e) => e.type === 'store-changed');
  expect(changed.at(-1)).toMatchObject({ generation: g0 + 1 });

  // Another writer that takes no lock (the kernel, a program of its own): the engine directly.
  const theirs = SharedStore.open(FileDevice.open(demo.cow, { write: true }), { write: true }) as SharedStore;
  theirs.createSnapshot({ name: 'theirs' });
  theirs.commit();
  theirs.close();
  await expect.poll(() => events.filter((e) => e.type === 'disk-changed').length, { timeout: 5000 }).toBe(1);
  await new Promise((r) => setTimeout(r, 1500));
  expect(events.filter((e) => e.type === 'disk-changed')).toHaveLength(1); // once per change
  await expect(c.snapshotCreate({ session: s.session, name: 'later' })).rejects.toMatchObject({ code: 'stale' });

  const fresh = await c.reload({ session: s.session });
  expect(fresh.session).toBe(s.session);
  expect(fresh.generation).toBeGreaterThan(g0 + 1);
  expect(fresh.info.snapshots.map((x) => x.name)).toEqual(expect.arrayContaining(['mine', 'theirs']));
  await c.snapshotCreate({ session: s.session, name: 'later' });
  const names = (JSON.parse(snapscope('info', demo.cow, '--json')) as { snapshots: { name: string }[] }).snapshots.map((x) => x.name);
  expect(names).toEqual(expect.arrayContaining(['mine', 'theirs', 'later']));
});

it('writeData writes bytes at an offset across chunks, as `snapscope write --data-file` does', async () => {
  const dir = tempDir();
  const { demo, twin } = demoAndTwin(dir);
  const { c } = startApi(dir);
  const s = await c.open({ cow: demo.cow, origin: demo.origin, write: true });
  const data = Buffer.alloc(s.info.chunkBytes + 100, 0x3c);
  const offset = 5 * s.info.chunkBytes;
  await c.writeData({ session: s.session, to: 'origin', offset, data: data.toString('base64') });
  await c.close({ session: s.session });
  const file = path.join(dir, 'data.bin');
  fs.writeFileSync(file, data);
  snapscope('write', twin.cow, '--origin', twin.origin, '-s', 'origin', '--chunk', '5', '--data-file', file);
  expect(fs.readFileSync(demo.origin).equals(fs.readFileSync(twin.origin))).toBe(true);
  expect(JSON.parse(snapscope('info', demo.cow, '--json')).exceptions).toBe(JSON.parse(snapscope('info', twin.cow, '--json')).exceptions);
});

it('mergeAbandon: refused without a record, and for a merge that wrote the origin; repair writes a new file only', async () => {
  const dir = tempDir();
  const demo = demoCopy(dir);
  const { c } = startApi(dir);
  const s = await c.open({ cow: demo.cow, origin: demo.origin, write: true });
  await expect(c.mergeAbandon({ session: s.session })).rejects.toMatchObject({ code: 'not-found' });
  const job = await c.merge({ session: s.session, snapshot: 'nightly', batchChunks: 1 });
  await expect.poll(async () => (await c.info({ session: s.session })).merge?.done ?? 0, { timeout: 10_000, interval: 1 }).toBeGreaterThan(0);
  await c.jobCancel({ job: job.id });
  await c.jobWait({ job: job.id });
  await expect(c.mergeAbandon({ session: s.session })).rejects.toMatchObject({ code: 'unsupported', message: expect.stringContaining('resume it') });

  await expect(c.repair({ session: s.session, out: demo.origin })).rejects.toMatchObject({ code: 'usage' });
  const out = path.join(dir, 'repaired.cow');
  const end = await c.jobWait({ job: (await c.repair({ session: s.session, out })).id });
  expect(end).toMatchObject({ state: 'done', result: { lost: 0, target: out } });
  expect(JSON.parse(snapscope('check', out, '--json'))).toMatchObject({ errors: 0 });
});

it('browse lists one directory by its real path, only what this user can read, and refuses relative paths', async () => {
  const dir = fs.realpathSync(tempDir());
  fs.mkdirSync(path.join(dir, 'sub'));
  fs.writeFileSync(path.join(dir, 'sub', 'a.cow'), 'x');
  fs.symlinkSync(path.join(dir, 'sub'), path.join(dir, 'link'));
  const { c } = startApi(dir);
  const viaLink = await c.browse({ dir: path.join(dir, 'link', '..', 'link') });
  expect(viaLink.dir).toBe(path.join(dir, 'sub'));
  expect(viaLink.entries).toEqual([{ name: 'a.cow', path: path.join(dir, 'sub', 'a.cow'), kind: 'file', sizeBytes: 1 }]);
  expect(viaLink.parent).toBe(dir);
  await expect(c.browse({ dir: 'sub' })).rejects.toMatchObject({ code: 'bad-request' });
  await expect(c.browse({ dir: path.join(dir, 'missing') })).rejects.toMatchObject({ code: 'not-found' });
});

it('mergeAbandon decides from the record on disk: a merge stopped before its first origin write is abandoned by a new server; one that wrote the origin is not', async () => {
  const dir = tempDir();
  const { demo, twin } = demoAndTwin(dir);
  const originBefore = fs.readFileSync(demo.origin);
  // A merge run by the engine, stopped between its steps as a cancel stops it, by a process that is then gone.
  const stopMerge = (files: { cow: string; origin: string }, steps: number): void => {
    const cow = FileDevice.open(files.cow, { write: true });
    const origin = FileDevice.open(files.origin, { write: true });
    const store = SharedStore.open(cow, { write: true }) as SharedStore;
    const slot = store.snapshots().find((x) => x.name === 'nightly')!.slot;
    const task = createSharedMerge(store, origin, slot, { batchBytes: 64 * store.chunkBytes, maxIoBytes: store.chunkBytes });
    for (let i = 0; i < steps; i++) expect(task.step()).toBe(false);
    expect(store.mergeRecord()).toMatchObject({ slot, done: 0 });
    store.close();
    origin.close();
    cow.close();
  };
  stopMerge(demo, 1); // recorded, copies for the other snapshots made, nothing on the origin yet
  stopMerge(twin, 2); // the first piece of the snapshot's data is on the origin; the record still says done 0

  const { c } = startApi(dir);
  const s = await c.open({ cow: demo.cow, origin: demo.origin, write: true });
  expect(s.info.merge).toMatchObject({ done: 0 });
  const info = await c.mergeAbandon({ session: s.session });
  expect(info.merge).toBeNull();
  expect(fs.readFileSync(demo.origin).equals(originBefore)).toBe(true);
  expect(JSON.parse(snapscope('check', demo.cow, '--json'))).toMatchObject({ errors: 0 });

  const t = await c.open({ cow: twin.cow, origin: twin.origin, write: true });
  await expect(c.mergeAbandon({ session: t.session })).rejects.toMatchObject({ code: 'unsupported', message: expect.stringContaining('started writing') });
  expect((await c.info({ session: t.session })).merge).toMatchObject({ done: 0 });
});
