/** `restore` through the API runs the CLI's restore: the same bytes on disk, the same refusals, nothing written by a dry run or a cancel. */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import type { JobInfo, RestoreResultDto } from '../../src-core/api/contract.ts';
import { readBackup } from '../../src-main/host/access/backup-file.ts';
import { snapscope, startApi } from './api-client.ts';
import { demoCopy, tempDir } from './fixtures.ts';

const sha = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

const resultOf = (job: JobInfo): RestoreResultDto => {
  expect(job).toMatchObject({ kind: 'restore', state: 'done' });
  return job.result as RestoreResultDto;
};

it('in place on the open store: the same bytes as `snapscope restore` of the same dump, the backup too; the session reloads', async () => {
  const dir = tempDir();
  const demo = demoCopy(dir);
  const dump = path.join(dir, 'demo.json');
  snapscope('dump', demo.cow, '--out', dump);
  const { c, events } = startApi(dir);
  const s = await c.open({ cow: demo.cow, origin: demo.origin, write: true });
  const extra = await c.snapshotCreate({ session: s.session, name: 'after-the-dump' });
  const twin = path.join(dir, 'twin.cow');
  fs.copyFileSync(demo.cow, twin);
  const before = sha(demo.cow);

  const preview = resultOf(await c.jobWait({ job: (await c.restore({ session: s.session, dump, dryRun: true })).id }));
  expect(preview).toMatchObject({ dryRun: true, mode: 'in-place', written: 0, backup: `${demo.cow}.snapscope-backup`, needsForce: false });
  expect(preview.overwrites).toBe(`a shared store: ${s.info.snapshots.length + 1} snapshots, ${s.info.exceptions} exceptions`);
  expect(preview.snapshots.map((x) => x.name)).not.toContain('after-the-dump');
  expect(sha(demo.cow)).toBe(before);
  expect(fs.existsSync(`${demo.cow}.snapscope-backup`)).toBe(false);

  const done = resultOf(await c.jobWait({ job: (await c.restore({ session: s.session, dump })).id }));
  expect(done).toMatchObject({ dryRun: false, mode: 'in-place', backup: `${demo.cow}.snapscope-backup` });
  expect(done.written).toBeGreaterThan(0);
  const info = await c.info({ session: s.session }); // the same session, read again
  expect(info.snapshots.map((x) => x.name)).not.toContain('after-the-dump');
  // Clients that apply the deltas see the snapshot go: the reload's delta continues the old session's.
  const reloaded = events.find((e) => e.type === 'store-changed' && e.session === s.session && e.reason === 'reloaded');
  expect(reloaded).toMatchObject({ delta: { goneSlots: [extra.slot] } });
  await c.close({ session: s.session });

  snapscope('restore', twin, '--dump', dump);
  expect(sha(demo.cow)).toBe(sha(twin));
  // The same saved records (each backup's header holds its own random id and its COW's identity).
  const saved = (p: string) => readBackup(p).map((r) => `${r.offset}:${Buffer.from(r.bytes).toString('base64')}`);
  expect(saved(`${demo.cow}.snapscope-backup`)).toEqual(saved(`${twin}.snapscope-backup`));
});

it('a new target: refused while it holds data unless forced (the dry run says so), then the CLI bytes; a read-only session is refused', async () => {
  const dir = tempDir();
  const demo = demoCopy(dir);
  const dump = path.join(dir, 'demo.json');
  snapscope('dump', demo.cow, '--out', dump);
  const target = path.join(dir, 'target.cow');
  fs.writeFileSync(target, Buffer.alloc(4096, 7));
  const { c } = startApi(dir);

  const preview = resultOf(await c.jobWait({ job: (await c.restore({ cow: target, dump, dataFrom: demo.cow, dryRun: true })).id }));
  expect(preview).toMatchObject({ mode: 'new', needsForce: true, overwrites: 'data (not all zeros)' });
  const refused = await c.jobWait({ job: (await c.restore({ cow: target, dump, dataFrom: demo.cow })).id });
  expect(refused).toMatchObject({ state: 'failed', error: { code: 'usage', message: expect.stringContaining('holds data') } });
  expect(fs.readFileSync(target).equals(Buffer.alloc(4096, 7))).toBe(true);

  const done = resultOf(await c.jobWait({ job: (await c.restore({ cow: target, dump, dataFrom: demo.cow, force: true })).id }));
  expect(done).toMatchObject({ mode: 'new', backup: null });
  const cliTarget = path.join(dir, 'cli-target.cow');
  snapscope('restore', cliTarget, '--dump', dump, '--data-from', demo.cow);
  expect(sha(target)).toBe(sha(cliTarget));

  const ro = await c.open({ cow: demo.cow, origin: demo.origin });
  await expect(c.restore({ session: ro.session, dump })).rejects.toMatchObject({ code: 'read-only' });
});

it('an uploaded dump restores like the file; a cancelled restore leaves the target and no backup; a bad dump names its line', async () => {
  const dir = tempDir();
  const demo = demoCopy(dir);
  const dump = path.join(dir, 'demo.json');
  snapscope('dump', demo.cow, '--out', dump);
  const { c } = startApi(dir);
  const s = await c.open({ cow: demo.cow, origin: demo.origin, write: true });
  await c.snapshotCreate({ session: s.session, name: 'extra' });
  const before = sha(demo.cow);

  const started = await c.restore({ session: s.session, dumpText: fs.readFileSync(dump, 'utf8') });
  await c.jobCancel({ job: started.id });
  expect(await c.jobWait({ job: started.id })).toMatchObject({ state: 'cancelled' });
  expect(sha(demo.cow)).toBe(before);
  expect(fs.existsSync(`${demo.cow}.snapscope-backup`)).toBe(false);

  const bad = await c.jobWait({ job: (await c.restore({ session: s.session, dumpText: '{"format":"shared",\n"exceptions":[\n[1,2]\n' })).id });
  expect(bad).toMatchObject({ state: 'failed' });
  expect(bad.error!.message).toMatch(/^the uploaded dump:3: /);
  expect(sha(demo.cow)).toBe(before);

  resultOf(await c.jobWait({ job: (await c.restore({ session: s.session, dumpText: fs.readFileSync(dump, 'utf8') })).id }));
  expect((await c.info({ session: s.session })).snapshots.map((x) => x.name)).not.toContain('extra');
});
