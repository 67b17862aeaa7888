import { describe, expect, it } from 'vitest';
import { SnapscopeError } from '../../../src-core/errors.ts';
import { MemoryDevice } from '../../../src-core/io/memory-device.ts';
import { PowerLossDevice, PowerRail, type SectorFate } from '../../../src-core/io/power-loss-device.ts';

/** Writes 1 to sectors 0..3 and flushes, then 2 to sectors 0..1 and 3 to sectors 1..2; power fails at the last write. */
function scenario(fate: SectorFate, seed = 1): MemoryDevice {
  const inner = new MemoryDevice(8 * 512);
  const dev = new PowerLossDevice(inner, new PowerRail({ crashAt: 4, fate, seed }));
  dev.write(0, new Uint8Array(2048).fill(1));
  dev.flush();
  dev.write(0, new Uint8Array(1024).fill(2));
  expect(() => dev.write(512, new Uint8Array(1024).fill(3))).toThrow(SnapscopeError);
  expect(() => dev.read(0, new Uint8Array(1))).toThrow(/lost power/);
  return inner;
}

const sectors = (m: MemoryDevice) => [0, 1, 2, 3].map((s) => m.bytes[s * 512]);

describe('PowerLossDevice', () => {
  it('reads see cached writes before the power fails', () => {
    const inner = new MemoryDevice(4096);
    const dev = new PowerLossDevice(inner);
    dev.write(100, new Uint8Array([7, 8]));
    const got = new Uint8Array(2);
    dev.read(100, got);
    expect([...got]).toEqual([7, 8]);
    expect(dev.cachedSectors).toBe(1);
    dev.flush();
    expect(dev.cachedSectors).toBe(0);
  });

  it('keeps every cached sector write, or none, or each at random, per sector', () => {
    expect(sectors(scenario('all'))).toEqual([2, 3, 3, 1]);
    expect(sectors(scenario('none'))).toEqual([1, 1, 1, 1]);
    const seen = new Set<string>();
    for (let seed = 1; seed < 60; seed++) {
      const got = sectors(scenario('random', seed));
      expect([1, 2]).toContain(got[0]);
      expect([1, 2, 3]).toContain(got[1]);
      expect([1, 3]).toContain(got[2]);
      expect(got[3]).toBe(1);
      seen.add(got.join());
    }
    expect(seen.size).toBeGreaterThan(6);
  });

  it('a rail fails every device on it at once, counting writes and flushes of all', () => {
    const rail = new PowerRail({ crashAt: 3, fate: 'none' });
    const a = new MemoryDevice(1024);
    const b = new MemoryDevice(1024);
    const da = new PowerLossDevice(a, rail);
    const db = new PowerLossDevice(b, rail);
    da.write(0, new Uint8Array(512).fill(5));
    db.write(0, new Uint8Array(512).fill(6));
    expect(() => da.flush()).toThrow(/power loss at event 3/);
    expect(a.bytes[0]).toBe(0);
    expect(b.bytes[0]).toBe(0);
    expect(() => db.write(0, new Uint8Array(1))).toThrow(/lost power/);
  });
});
