import { describe, expect, it } from 'vitest';
import { parseSnapshotStatus, parseSnapshotTable, snapPercent, splitDeviceLines, targetKind } from '../../../src-core/live/dm-target.ts';
import { LiveTableReader } from '../../../src-core/live/live-table.ts';
import { SnapscopeError } from '../../../src-core/errors.ts';
import { CASES, Fixture } from '../persistent/kernel-fixtures.ts';

describe('dm snapshot targets, as the real kernel printed them', () => {
  const rows = CASES.flatMap((c) => new Fixture(c).status.map((r) => ({ c, ...r })));

  it('decodes every table and status line of every fixture', () => {
    let seen = 0;
    for (const r of rows.filter((r) => r.what.startsWith('dmsetup '))) {
      const kind = targetKind(r.value);
      expect(kind, r.value).not.toBeNull();
      if (r.what.startsWith('dmsetup table')) {
        const t = parseSnapshotTable(r.value);
        expect(t.kind).toBe(kind);
        if (t.kind !== 'snapshot-origin') expect([t.store, t.chunkSectors]).toEqual(['P', 8]);
      } else if (kind !== 'snapshot-origin') {
        parseSnapshotStatus(r.value);
      }
      seen++;
    }
    expect(seen).toBeGreaterThan(50);
  });

  it('reads usage, the Invalid word and merge status exactly', () => {
    expect(parseSnapshotStatus('0 16384 snapshot 376/2048 16')).toEqual({ state: 'active', usage: { allocated: 376, total: 2048, metadata: 16 } });
    expect(parseSnapshotStatus('0 16384 snapshot Invalid')).toEqual({ state: 'Invalid' });
    expect(parseSnapshotStatus('0 16384 snapshot-merge 16/2048 16').usage).toEqual({ allocated: 16, total: 2048, metadata: 16 });
    expect(parseSnapshotStatus('0 8 snapshot Merge failed')).toEqual({ state: 'Merge failed' });
    const t = parseSnapshotTable('0 16384 snapshot 254:0 254:16 PO 16 1 discard_zeroes_cow');
    expect(t).toMatchObject({ origin: '254:0', cow: '254:16', store: 'PO', chunkSectors: 16, features: ['discard_zeroes_cow'] });
    expect(parseSnapshotTable('0 16384 snapshot-origin 254:0')).toMatchObject({ kind: 'snapshot-origin', origin: '254:0' });
  });

  it('computes Snap% as lvs does', () => {
    expect(snapPercent({ allocated: 16, total: 2048, metadata: 16 })).toBe(0);
    expect(snapPercent({ allocated: 2048, total: 2048, metadata: 16 })).toBe(100);
    expect(snapPercent({ allocated: 376, total: 2048, metadata: 16 })).toBeCloseTo(18.359, 3);
  });

  it("agrees with the COW the kernel wrote: allocated = header + areas in use + exceptions, metadata = header + areas", () => {
    for (const c of ['p-basic-c8', 'p-multiarea-c8', 'p-fullarea-c8'] as const) {
      const f = new Fixture(c);
      const { usage } = parseSnapshotStatus(`0 0 snapshot ${f.statusOf('snap', 'after-writes', 'snap')}`);
      const table = new LiveTableReader(f.device('cow', true)).read();
      const epa = f.manifest.exceptions_per_area;
      // The kernel counts the area it will fill next once the current one is full.
      const areas = Math.floor(table.count / epa) + 1;
      expect(usage, c).toEqual({
        allocated: (1 + areas + table.count) * f.manifest.chunk_sectors,
        total: f.manifest.cow_bytes / 512,
        metadata: (1 + areas) * f.manifest.chunk_sectors,
      });
    }
  });

  it('splits dmsetup output per device and ignores "No devices found"', () => {
    expect(splitDeviceLines('No devices found\n')).toEqual([]);
    expect(splitDeviceLines('vg-snap: 0 16384 snapshot 376/2048 16\nvg-lv: 0 16384 snapshot-origin\n')).toEqual([
      { device: 'vg-snap', line: '0 16384 snapshot 376/2048 16' },
      { device: 'vg-lv', line: '0 16384 snapshot-origin' },
    ]);
  });

  it('names the line and the problem for anything else', () => {
    for (const bad of ['0 16384 linear 8:0 0', '0 16384 snapshot 254:0 254:16 X 8', '0 16384 snapshot 254:0 254:16 P 12', '0 x snapshot-origin 254:0', '0 8 snapshot 2049/2048 16', '0 8 snapshot 1/2 x']) {
      const parse = bad.includes('/') || bad.endsWith(' x') ? parseSnapshotStatus : parseSnapshotTable;
      let err: unknown;
      try {
        parse(bad);
      } catch (e) {
        err = e;
      }
      expect(err, bad).toBeInstanceOf(SnapscopeError);
      expect((err as SnapscopeError).message).toContain(bad);
    }
  });
});
