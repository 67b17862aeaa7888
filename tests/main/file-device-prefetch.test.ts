import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryDevice } from '../../src-core/io/memory-device.ts';
import { PersistentStore } from '../../src-core/persistent/index.ts';
import { FileDevice } from '../../src-main/host/file-device.ts';
import { persistentCow } from '../core/check/persistent-fixtures.ts';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snapscope-prefetch-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('FileDevice.prefetch (several reads in flight for a cold persistent open)', () => {
  it('a cold open through the hints reads the same table; hints past the end or after close do nothing', async () => {
    const mem = persistentCow(300, 4096);
    const file = path.join(dir, 'cow');
    fs.writeFileSync(file, mem.bytes);
    // Drop the file's pages (GNU dd; the open then reads from the disk and follows the hints).
    execFileSync('dd', [`if=${file}`, 'iflag=nocache', 'count=0', 'status=none']);
    const dev = FileDevice.open(file);
    const table = PersistentStore.open(dev).exceptionTable();
    expect(table).toEqual(PersistentStore.open(new MemoryDevice(mem.bytes.slice(), 'cow')).exceptionTable());
    dev.prefetch(dev.size - 10, 512);
    dev.prefetch(-512, 512);
    const bytes = new Uint8Array(512);
    dev.read(0, bytes);
    expect(bytes).toEqual(mem.bytes.subarray(0, 512));
    dev.close();
    dev.prefetch(0, 512);
    // Background reads still in flight land in a scratch buffer only: let them finish before the directory goes.
    await new Promise((r) => setTimeout(r, 50));
  });
});
