import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryDevice } from '../../src-core/io/memory-device.ts';
import { SharedStore } from '../../src-core/shared/index.ts';
import { FileDevice } from '../../src-main/host/file-device.ts';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snapscope-writev-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('FileDevice.writev (a commit writes adjacent blocks in one request)', () => {
  it('writes the parts back to back, refuses on a read-only device and past the end', () => {
    const file = path.join(dir, 'img');
    fs.writeFileSync(file, Buffer.alloc(8192));
    const dev = FileDevice.open(file, { write: true });
    dev.writev(100, [new Uint8Array([1, 2, 3]), new Uint8Array(0), new Uint8Array([4, 5])]);
    expect([...fs.readFileSync(file).subarray(99, 106)]).toEqual([0, 1, 2, 3, 4, 5, 0]);
    expect(() => dev.writev(8190, [new Uint8Array(2), new Uint8Array(1)])).toThrow(/past the end/);
    dev.close();
    const ro = FileDevice.open(file);
    expect(() => ro.writev(0, [new Uint8Array(1)])).toThrow(/read-only/);
    ro.close();
  });

  it('a store on a file ends up with the same bytes as the same store in memory', () => {
    const file = path.join(dir, 'cow');
    fs.writeFileSync(file, Buffer.alloc(4096 * 8192));
    const onFile = SharedStore.format(FileDevice.open(file, { write: true }), { chunkBytes: 4096 });
    const mem = new MemoryDevice(4096 * 8192, 'cow');
    const inMemory = SharedStore.format(mem, { chunkBytes: 4096 });
    for (const store of [onFile, inMemory]) {
      store.createSnapshot({ name: 'a', uuid: '00000000-0000-4000-8000-000000000001', created: 1 });
      for (let c = 0; c < 3000; c++) {
        store.prepareOriginWrite((c * 7919) % 5000);
        if (c % 5 === 0) store.commit();
      }
      store.close();
    }
    expect(Buffer.compare(fs.readFileSync(file), Buffer.from(mem.bytes))).toBe(0);
  });
});
