/**
 * The persistent walk hints the areas ahead of it to a device that takes prefetch hints (a cold
 * FileDevice then has several reads in flight): only area locations inside the device, each once,
 * and the walk's result is the same as on a device without hints.
 */
import { describe, expect, it } from 'vitest';
import { MemoryDevice } from '../../../src-core/io/memory-device.ts';
import { PersistentWalk } from '../../../src-core/walk/persistent.ts';
import { CHUNK, GEO, persistentCow } from '../check/persistent-fixtures.ts';

class HintedDevice extends MemoryDevice {
  readonly hints: number[] = [];
  prefetch(offset: number, bytes: number): void {
    expect(bytes).toBeGreaterThan(0);
    this.hints.push(offset);
  }
}

function walk(cow: MemoryDevice) {
  const w = new PersistentWalk(cow, { keepTable: true });
  while (!w.step());
  const t = w.table();
  return { report: w.result(), olds: [...t.oldChunk.subarray(0, t.count)], news: t.newChunk && [...t.newChunk.subarray(0, t.count)] };
}

describe('persistent walk: prefetch hints', () => {
  it('hints area locations ahead, inside the device, each once; the walk is unchanged', () => {
    for (const n of [0, 5, 32, 70, 200]) {
      const plain = persistentCow(n, 1024);
      const hinted = new HintedDevice(plain.bytes.slice(), 'cow');
      expect(walk(hinted)).toEqual(walk(plain));
      const chunks = hinted.hints.map((o) => o / CHUNK);
      expect(new Set(chunks).size).toBe(chunks.length);
      for (const c of chunks) {
        expect(GEO.isMetadataChunk(c) && c > GEO.areaLocation(0)).toBe(true);
        expect(c).toBeLessThan(1024);
      }
      // Areas up to 16 past the last one read are hinted (the walk cannot know where the table ends).
      expect(Math.max(...chunks)).toBe(GEO.areaLocation(Math.min(Math.floor((1024 - 2) / GEO.stride), Math.floor(n / GEO.exceptionsPerArea) + 16)));
    }
  });
});
