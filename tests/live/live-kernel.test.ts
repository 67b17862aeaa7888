/**
 * snapscope against live dm snapshots of a real kernel (Debian 6.1 under qemu, tests/live/guest):
 * discovery, usage, fill rate and ETA, a live COW read while the kernel writes it (and opened
 * through the host API, refreshed after each write), overflow, a kernel merge followed to the end,
 * and LVM's snapshots and lvconvert --merge — all through snapscope's privileged helper running in
 * the guest and reached over a byte stream, as over ssh. Needs qemu and the built guest; says why
 * it skips otherwise.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src-core/api/contract.ts';
import { snapPercent } from '../../src-core/live/dm-target.ts';
import { LiveTableReader } from '../../src-core/live/live-table.ts';
import { SnapshotWatch, watchedTargets } from '../../src-core/live/snapshot-watch.ts';
import { EngineService } from '../../src-main/host/engine-service.ts';
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
/**
 * Writes per second that qemu lets the guest make to the origin disks: a merge copies back one
 * chunk per write, so it lasts seconds and is seen at several polls, not finished at the first.
 */
const ORIGIN_WRITES_PER_SECOND = 20;

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
  /** One write to each of `count` chunks from `first`, every other chunk (so that no two merge as one copy). */
  const writeEveryOther = (device: string, first: number, count: number) =>
    guest.run(`i=0; while [ $i -lt ${count} ]; do dd if=/dev/urandom of=${device} bs=${CHUNK_BYTES} seek=$((${first}+2*i)) count=1 oflag=direct 2>/dev/null || exit 1; i=$((i+1)); done`);

  /** The host API over the guest: a host like any reached through ssh; only the way to its helper differs. */
  const guestApi = () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'live-api-'));
    const service = new EngineService({ mode: 'local', version: 'test', dataDir, helper: { launcher: null, note: 'the live suite' }, liveLaunchers: { guest: guest.launcher() } });
    return {
      client: createClient(service),
      dispose: async () => {
        await service.dispose();
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
  };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'live-kernel-'));
    fs.writeFileSync(path.join(dir, 'origin.img'), Buffer.alloc(ORIGIN_SECTORS * 512, 0x4f));
    fs.writeFileSync(path.join(dir, 'cow.img'), Buffer.alloc(1 << 20));
    fs.writeFileSync(path.join(dir, 'small.img'), Buffer.alloc(64 << 10));
    fs.writeFileSync(path.join(dir, 'pv.img'), Buffer.alloc(0));
    fs.truncateSync(path.join(dir, 'pv.img'), 64 << 20); // LVM's physical volume
    const file = (f: string) => path.join(dir, f);
    guest = await Guest.boot([
      { file: file('origin.img'), writesPerSecond: ORIGIN_WRITES_PER_SECOND },
      file('cow.img'),
      file('small.img'),
      { file: file('pv.img'), writesPerSecond: ORIGIN_WRITES_PER_SECOND },
    ]);
    await guest.run(`dmsetup create snap --table "0 ${ORIGIN_SECTORS} snapshot /dev/vda /dev/vdb P ${CHUNK}"`);
    await guest.run(`dmsetup create small --table "0 ${ORIGIN_SECTORS} snapshot /dev/vda /dev/vdc P ${CHUNK}"`);
    await guest.run(`dmsetup create origin --table "0 ${ORIGIN_SECTORS} snapshot-origin /dev/vda"`);
    link = HelperDevice.connect(guest.launcher(), 'the guest');
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
    const open = (p: string) => HelperDevice.open(guest.launcher(), p, { direct: true });
    // One reader of the COW across every write, as a live view keeps it.
    const cow = open('/dev/vdb');
    const reader = new LiveTableReader(cow);
    let origin: HelperDevice | undefined;
    let kernelView: HelperDevice | undefined;
    try {
      let before = 0;
      for (const round of [0, 1, 2]) {
        const chunks = Array.from({ length: 10 }, (_, i) => 37 * (round * 10 + i) + 5);
        await writeOrigin(chunks);
        const { all, rows } = await poll();
        const snap = find(all, 'snap');
        const usage = snap.status!.usage!;
        expect(usage.allocated).toBeGreaterThan(before);
        before = usage.allocated;
        const table = reader.read();
        expect(table.count).toBe((round + 1) * 10);
        // allocated = header + areas in use + one chunk per exception, as the kernel counts
        expect(usage.allocated).toBe((1 + 1 + table.count) * CHUNK);
        const row = rows.find((r) => r.name === 'snap')!;
        expect(row.fill!.newChunks).toBe(10);
        if (round > 0) {
          expect(row.fill!.chunksPerMinute).toBeCloseTo(10, 0);
          expect(row.fill!.secondsToOverflow).toBeGreaterThan(0);
        }
      }
      // snapscope's view of the snapshot (origin + the live table) equals the kernel's /dev/mapper/snap
      origin = open('/dev/vda');
      kernelView = open('/dev/mapper/snap');
      const table = reader.read();
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
      for (const d of [origin, cow, kernelView]) d?.close();
    }
  }, 300_000);

  it('opens the live COW through the host API: each refresh shows exactly the chunks written in the guest since the last', async () => {
    const { client, dispose } = guestApi();
    try {
      const { hosts } = await client.liveSnapshots({ hosts: ['guest'] });
      const there = hosts.find((h) => h.host === 'guest')!;
      expect(there.state).toBe('ok');
      const snap = there.snapshots.find((x) => x.name === 'snap')!;
      expect(snap.cowPath).toBe('/dev/vdb');
      const opened = await client.open({ cow: snap.cowPath!, live: { host: 'guest' } });
      expect(opened).toMatchObject({ viaHelper: true, write: false, live: { host: 'guest', previous: 30 } });
      expect(opened.info.exceptions).toBe(30);
      let asOf = opened.live!.asOf;
      // Away from the chunks written so far (37k + 5, k < 30) and from those of the merge below.
      for (const chunks of [
        [1200, 1201, 1203, 1210],
        [1300, 1250, 1299],
      ]) {
        await writeOrigin(chunks);
        const again = await client.reload({ session: opened.session });
        expect(again.session).toBe(opened.session);
        expect(again.live!.asOf).toBeGreaterThan(asOf);
        asOf = again.live!.asOf;
        expect(again.info.exceptions - again.live!.previous).toBe(chunks.length);
        const fresh = await client.exceptionTable({ session: opened.session, offset: again.live!.previous, limit: 100, sort: 'entry' });
        expect(fresh.rows.map((r) => r.origin)).toEqual(chunks); // in the order written: the kernel commits each before the write ends
        // the kernel's own count: header + one area + one chunk per exception
        const said = (await guest.run('dmsetup status snap')).trim().split(' ');
        expect(Number(said[3]!.split('/')[0])).toBe((2 + again.info.exceptions) * CHUNK);
      }
      const idle = await client.reload({ session: opened.session });
      expect(idle.live!.previous).toBe(idle.info.exceptions);
      // The overflowed snapshot's COW (small: 14 exceptions fit) opens too, shown as the kernel left it.
      const small = await client.open({ cow: '/dev/vdc', live: { host: 'guest' } });
      expect(small.info.valid).toBe(false);
      expect(small.info.notes.join(' ')).toMatch(/invalidated by the kernel/);
    } finally {
      await dispose();
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
    await guest.run('dmsetup remove small');
    // 90 more exceptions, none next to another: the merge copies each back on its own (throttled writes).
    await writeEveryOther('/dev/mapper/origin', 1501, 90);
    await guest.run('dmsetup remove snap');
    await guest.run(`dmsetup reload origin --table "0 ${ORIGIN_SECTORS} snapshot-merge /dev/vda /dev/vdb P ${CHUNK}" && dmsetup suspend origin && dmsetup resume origin`);
    // Its COW opened through the host API as the Live view's Open does for a merging target: each
    // read shows the table the kernel has left, never longer, down to none.
    const { client, dispose } = guestApi();
    try {
      const target = (await client.liveSnapshots({ hosts: ['guest'] })).hosts.find((h) => h.host === 'guest')!.snapshots.find((x) => x.name === 'origin')!;
      expect(target).toMatchObject({ kind: 'snapshot-merge', cowPath: '/dev/vdb' });
      const opened = await client.open({ cow: target.cowPath!, live: { host: 'guest', merging: true } });
      expect(opened.live).toMatchObject({ host: 'guest', merging: true });
      const left = [opened.info.exceptions];
      const percents: number[] = [];
      for (let i = 0; i < 60; i++) {
        const { all, rows } = await poll();
        left.push((await client.reload({ session: opened.session })).info.exceptions);
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
      // seen under way, not only done: at least two distinct percents strictly between 0 and 100
      expect(new Set(percents.filter((p) => p > 0 && p < 100)).size, percents.join(' ')).toBeGreaterThanOrEqual(2);
      const said = (await guest.run('dmsetup status origin')).trim().split(' ');
      const [allocated, metadata] = [Number(said[3]!.split('/')[0]), Number(said[4])];
      expect(allocated).toBe(metadata);
      left.push((await client.reload({ session: opened.session })).info.exceptions);
      expect(left[0], left.join(' ')).toBeGreaterThan(0);
      for (let i = 1; i < left.length; i++) expect(left[i]!, left.join(' ')).toBeLessThanOrEqual(left[i - 1]!);
      expect(left.at(-1)).toBe(0);
      // read under way too: tables between the first and the empty one
      expect(left.filter((n) => n > 0 && n < left[0]!).length, left.join(' ')).toBeGreaterThan(0);
    } finally {
      await dispose();
    }
  }, 300_000);
  it("lists LVM's snapshots with lvs's own names, attributes and Snap%, and follows lvconvert --merge to the kernel's end and through lvm's clean-up", async () => {
    await guest.run('pvcreate -q /dev/vdd && vgcreate -q vg /dev/vdd && lvcreate -q -L 16M -n lv vg && lvcreate -q -s -L 4M -n snap vg/lv');
    await writeEveryOther('/dev/vg/lv', 0, 60);
    const { all } = await poll();
    const lvs = (JSON.parse(await guest.run('lvs --reportformat json -o vg_name,lv_name,lv_attr,origin,lv_dm_path,snap_percent 2>/dev/null')) as { report: { lv: Record<string, string>[] }[] }).report[0]!.lv;
    expect(lvs.map((lv) => lv.lv_name)).toEqual(['lv', 'snap']);
    for (const lv of lvs) {
      const t = find(all, path.basename(lv.lv_dm_path!));
      expect(t.lvm).toEqual({ vg: lv.vg_name, lv: lv.lv_name, attr: lv.lv_attr, origin: lv.origin });
      if (lv.snap_percent) expect(snapPercent(t.status!.usage!).toFixed(2)).toBe(lv.snap_percent);
    }
    const snapPct = lvs.find((lv) => lv.lv_name === 'snap')!.snap_percent;
    expect(Number(snapPct)).toBeGreaterThan(0);
    // `ls --live` says the same
    const o = { headings: false, separator: ':', units: 'b' as const, suffix: false };
    const mine = all.filter((t) => t.lvm !== null);
    const report = renderText(sortRows(mine, LIVE_FIELDS, 'name', ls), selectFields(LIVE_FIELDS, ['name', 'lv', 'attr', 'target', 'state', 'percent'], undefined, ls), o);
    expect(report).toEqual([`vg-lv:vg/lv:${lvs[0]!.lv_attr}:snapshot-origin::`, `vg-snap:vg/snap:${lvs[1]!.lv_attr}:snapshot:active:${snapPct}`]);

    // lvconvert starts the merge and leaves; its poller looks every 60 s, so the finished merge
    // stays in the table long enough for the poll that sees it finished.
    await guest.run('lvconvert --merge -b -i 60 vg/snap >/tmp/lvconvert.log 2>&1');
    const percents: number[] = [];
    let finishedSeen = false;
    for (let i = 0; i < 120 && !finishedSeen; i++) {
      const { all: now, rows } = await poll();
      const origin = now.find((t) => t.name === 'vg-lv');
      if (!origin || origin.table.kind !== 'snapshot-merge') break; // lvm has already put the origin back
      expect(origin.lvm?.lv).toBe('lv');
      const row = rows.find((r) => r.name === 'vg-lv')!;
      const u = origin.status!.usage!;
      expect(row.merge!.finished).toBe(u.allocated === u.metadata);
      percents.push(row.merge!.percent);
      finishedSeen = row.merge!.finished;
    }
    expect(percents.length, 'the merge was seen under way').toBeGreaterThan(0);
    for (let i = 1; i < percents.length; i++) expect(percents[i]!).toBeGreaterThanOrEqual(percents[i - 1]!);
    expect(finishedSeen, percents.join(' ')).toBe(true);
    // and the kernel says so itself (lvm's poller, a minute off, has not put the origin back yet)
    const said = (await guest.run('dmsetup status vg-lv')).trim().split(' ');
    expect(said[2]).toBe('snapshot-merge');
    expect(Number(said[3]!.split('/')[0])).toBe(Number(said[4]));

    // lvm's own clean-up: its poller wakes (within its 60 s), sees the merge done, drops the
    // snapshot and reloads vg-lv as a plain volume, removing devices between our listings. Every
    // poll meanwhile answers (poll() throws otherwise), and at the end nothing of vg is a snapshot
    // target any more, as lvs and dmsetup say.
    const lvNames = async () => (await guest.run('lvs --noheadings -o lv_name vg 2>/dev/null')).split(/\s+/).filter(Boolean);
    let cleaned = false;
    for (let i = 0; i < 150 && !cleaned; i++) {
      const { all: now } = await poll();
      cleaned = !now.some((t) => t.name.startsWith('vg-')) && (await lvNames()).join() === 'lv';
      if (!cleaned) await guest.run('sleep 1');
    }
    expect(await lvNames(), await guest.run('cat /tmp/lvconvert.log')).toEqual(['lv']);
    expect((await list()).filter((t) => t.name.startsWith('vg-') || t.lvm !== null)).toEqual([]);
    expect((await guest.run('dmsetup table vg-lv')).trim().split(' ')[2]).toBe('linear');
  }, 420_000);
});
