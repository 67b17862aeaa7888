import { describe, expect, it } from 'vitest';
import { FaultDevice } from '../../../src-core/io/fault-device.ts';
import { MemoryDevice } from '../../../src-core/io/memory-device.ts';
import { SnapscopeError } from '../../../src-core/errors.ts';

describe('FaultDevice', () => {
  it('tears the crashing write at a sector boundary and refuses everything after', () => {
    const inner = new MemoryDevice(4096);
    const dev = new FaultDevice(inner, { crashAtWrite: 2, tornSectors: 1 });
    dev.write(0, new Uint8Array(1024).fill(1));
    expect(() => dev.write(1024, new Uint8Array(2048).fill(2))).toThrow(SnapscopeError);
    expect(inner.bytes[1024]).toBe(2);
    expect(inner.bytes[1024 + 511]).toBe(2);
    expect(inner.bytes[1024 + 512]).toBe(0);
    expect(() => dev.read(0, new Uint8Array(1))).toThrow(/lost power/);
  });

  it('reports reads past the end as an io error naming the device', () => {
    const dev = new MemoryDevice(1024, 'cow.img');
    expect(() => dev.read(1000, new Uint8Array(100))).toThrow(/past the end of cow.img/);
  });
});
