/**
 * snapscope against live dm snapshots of a real kernel (Debian 6.1 under qemu, tests/live/guest):
 * discovery, usage, fill rate and ETA, a live COW read while the kernel writes it, overflow, and a
 * kernel merge followed to the end — all through snapscope's privileged helper running in the
 * guest and reached over a byte stream, as over ssh. Needs qemu and the built guest; says why it
 * skips otherwise.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveTableReader } from '../../src-core/live/live-table.ts';
import { SnapshotWatch, watchedTargets } from '../../src-core/live/snapshot-watch.ts';
import { HelperDevice } from '../../src-main/host/helper-device.ts';
import { discoverSnapshots, type LiveTarget } from '../../src-main/host/live/discover.ts';
import { ls } from '../../src-main/cli/commands/ls.ts';
import { LIVE_FIELDS } from '../../src-main/cli/live-fields.ts';
import { renderText, selectFields, sortRows } from '../../src-main/cli/report.ts';
import { Guest, guestMissing } from './guest.ts';

const missing = guestMissing();
const CHUNK = 8; // sectors
const CHUNK_BYTES = CHUNK * 512;
const ORIGIN_SECTORS = 16384; // 8 MiB

describe.skipIf(missing !== null)(`live dm snapshots in a real kernel${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let guest: Guest;
  let dir: string;
  let clock = 0;
  const watch = new SnapshotWatch(50);
  /** Every alert of every poll, in order. */
  const alerts: { name: string; alert: string }[] = [];

  let link: HelperDevice;
  const list = () => discoverSnapshots(async () => link.listDm());
  const find = (all: LiveTarget[], name: string) => {
    const t = all.find((x) => x.name === name);
    if (!t) throw new Error(`no ${name} in ${all.map((x) => x.name).join(', ')}`);
    return t;
  };
  const poll = async () => {
    const all = await list();
    clock += 60_000; // one poll a minute, as far as the rate is concerned
    const rows = watch.update(clock, watchedTargets(all));
    for (const r of rows) if (r.alert) alerts.push({ name: r.name, alert: r.alert });
    return { all, rows };
  };
  const writeOrigin = (chunks: number[]) =>
    guest.run(chunks.map((c) => `dd if=/dev/urandom of=/dev/mapper/origin bs=${CHUNK_BYTES} seek=${c} count=1 oflag=direct 2>/dev/null`).join(' && '));

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'live-kernel-'));
    fs.writeFileSync(path.join(dir, 'origin.img'), Buffer.alloc(ORIGIN_SECTORS * 512, 0x4f));
    fs.writeFileSync(path.join(dir, 'cow.img'), Buffer.alloc(1 << 20));
    fs.writeFileSync(path.join(dir, 'small.img'), Buffer.alloc(64 << 10));
    guest = await Guest.boot(['origin.img', 'cow.img', 'small.img'].map((f) => path.join(dir, f)));
    await guest.run(`dmsetup create snap --table "0 ${ORIGIN_SECTORS} snapshot /dev/vda /dev/vdb P ${CHUNK}"`);
    await guest.run(`dmsetup create small --table "0 ${ORIGIN_SECTORS} snapshot /dev/vda /dev/vdc P ${CHUNK}"`);
    await guest.run(`dmsetup create origin --table "0 ${ORIGIN_SECTORS} snapshot-origin /dev/vda"`);
    link = HelperDevice.connect(guest.launcher(0), 'the guest');
  }, 300_000);

  afterAll(async () => {
    link?.close();
    await guest?.shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('lists the snapshots with the kernel’s own figures and device nodes', async () => {
    const { all } = await poll();
    const snap = find(all, 'snap');
    expect(snap.table).toMatchObject({ kind: 'snapshot', store: 'P', chunkSectors: CHUNK, sectors: ORIGIN_SECTORS });
    expect(snap.status).toEqual({ state: 'active', usage: { allocated: 16, total: 2048, metadata: 16 } });
    expect([snap.originPath, snap.cowPath]).toEqual(['/dev/vda', '/dev/vdb']);
    expect(find(all, 'origin').table.kind).toBe('snapshot-origin');
    const said = await guest.run('dmsetup status snap');
    expect(said.trim()).toBe('0 16384 snapshot 16/2048 16');
    // `ls --live`'s report of the same targets
    const o = { headings: false, separator: ':', units: 'b' as const, suffix: false };
    const report = renderText(sortRows(all, LIVE_FIELDS, 'name', ls), selectFields(LIVE_FIELDS, ['name', 'target', 'state', 'percent', 'allocated', 'cowSize', 'cow'], undefined, ls), o);
    expect(report).toEqual(['origin:snapshot-origin:::::', 'small:snapshot:active:0.00:8192:65536:/dev/vdc', 'snap:snapshot:active:0.00:8192:1048576:/dev/vdb']);
  }, 120_000);

  it('follows writes: usage, the live exception table and the snapshot view agree with the kernel', async () => {
    let before = 0;
    for (const round of [0, 1, 2]) {
      const chunks = Array.from({ length: 10 }, (_, i) => 37 * (round * 10 + i) + 5);
      await writeOrigin(chunks);
      const { all, rows } = await poll();
      const snap = find(all, 'snap');
      const usage = snap.status!.usage!;
      expect(usage.allocated).toBeGreaterThan(before);
      before = usage.allocated;
      const cow = HelperDevice.open(guest.launcher(1), '/dev/vdb', { direct: true });
      try {
        const table = new LiveTableReader(cow).read();
        expect(table.count).toBe((round + 1) * 10);
        // allocated = header + areas in use + one chunk per exception, as the kernel counts
        expect(usage.allocated).toBe((1 + 1 + table.count) * CHUNK);
      } finally {
        cow.close();
      }
      const row = rows.find((r) => r.name === 'snap')!;
      expect(row.fill!.newChunks).toBe(10);
      if (round > 0) {
        expect(row.fill!.chunksPerMinute).toBeCloseTo(10, 0);
        expect(row.fill!.secondsToOverflow).toBeGreaterThan(0);
      }
    }
    // snapscope's view of the snapshot (origin + the live table) equals the kernel's /dev/mapper/snap
    const open = (p: string, slot: 1 | 2 | 3) => HelperDevice.open(guest.launcher(slot), p, { direct: true });
    const [origin, cow, kernelView] = [open('/dev/vda', 1), open('/dev/vdb', 2), open('/dev/mapper/snap', 3)];
    try {
      const table = new LiveTableReader(cow).read();
      const ours = new Uint8Array(origin.size);
      origin.read(0, ours);
      const chunk = new Uint8Array(CHUNK_BYTES);
      for (let i = 0; i < table.count; i++) {
        cow.read(table.newChunk[i]! * CHUNK_BYTES, chunk);
        ours.set(chunk, table.oldChunk[i]! * CHUNK_BYTES);
      }
      const theirs = new Uint8Array(kernelView.size);
      kernelView.read(0, theirs);
      expect(Buffer.compare(ours, theirs)).toBe(0);
      expect(ours.every((b) => b === 0x4f)).toBe(true); // the snapshot still shows the original origin
    } finally {
      for (const d of [origin, cow, kernelView]) d.close();
    }
  }, 300_000);

  it('shows an overflowed snapshot as the kernel invalidated it, alerting once', async () => {
    // small.img holds 14 exceptions; it already has 30 origin writes, so it overflowed.
    const { all, rows } = await poll();
    expect(find(all, 'small').status).toEqual({ state: 'Invalid' });
    const said = await guest.run('dmsetup status small');
    expect(said.trim()).toBe('0 16384 snapshot Invalid');
    expect(rows.find((r) => r.name === 'small')!.state).toBe('Invalid');
    await poll();
    // It crossed the 50% warning on the way (one alert), then was invalidated (one alert), whatever the polls in between.
    expect(alerts.filter((a) => a.name === 'small')).toEqual([
      { name: 'small', alert: 'warn' },
      { name: 'small', alert: 'invalid' },
    ]);
  }, 120_000);

  it('follows a kernel merge to the moment the kernel says it is finished', async () => {
    await guest.run('dmsetup remove small && dmsetup remove snap');
    await guest.run(`dmsetup reload origin --table "0 ${ORIGIN_SECTORS} snapshot-merge /dev/vda /dev/vdb P ${CHUNK}" && dmsetup suspend origin && dmsetup resume origin`);
    const percents: number[] = [];
    for (let i = 0; i < 60; i++) {
      const { all, rows } = await poll();
      const origin = find(all, 'origin');
      expect(origin.table.kind).toBe('snapshot-merge');
      const row = rows.find((r) => r.name === 'origin')!;
      percents.push(row.merge!.percent);
      const u = origin.status!.usage!;
      expect(row.merge!.finished).toBe(u.allocated === u.metadata);
      if (row.merge!.finished) break;
    }
    expect(percents.at(-1)).toBe(100);
    for (let i = 1; i < percents.length; i++) expect(percents[i]!).toBeGreaterThanOrEqual(percents[i - 1]!);
    const said = (await guest.run('dmsetup status origin')).trim().split(' ');
    const [allocated, metadata] = [Number(said[3]!.split('/')[0]), Number(said[4])];
    expect(allocated).toBe(metadata);
  }, 300_000);
});
