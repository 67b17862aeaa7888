import { describe, expect, it } from 'vitest';
import { ForwardingDevice } from '../../../src-core/io/forwarding-device.ts';
import { MemoryDevice } from '../../../src-core/io/memory-device.ts';
import { SharedStore } from '../../../src-core/shared/index.ts';
import { readViewChunk } from '../../../src-core/view.ts';

const CHUNK = 4096;

/** A sparse file on a full file system: writes past `limit` fail (ENOSPC); chunks already written (the header) take writes. */
class FullDevice extends ForwardingDevice {
  limit = Infinity;
  override write(offset: number, src: Uint8Array): void {
    if (offset + src.length > this.limit) throw new Error(`ENOSPC: no space left on device, write (offset ${offset})`);
    super.write(offset, src);
  }
}

describe('a shared store whose commit fails part-way', () => {
  it('keeps its last commit on disk: close does not commit over blocks that never landed', () => {
    const inner = new MemoryDevice(1 << 20);
    SharedStore.format(inner, { chunkBytes: CHUNK }).close();
    const origin = new MemoryDevice(64 * CHUNK);
    for (let c = 0; c < 64; c++) origin.write(c * CHUNK, new Uint8Array(CHUNK).fill(c + 1));
    const cow = new FullDevice(inner);
    const store = SharedStore.open(cow, { write: true });
    store.createSnapshot({ name: 's' });
    store.commit();
    cow.limit = 40 * CHUNK;
    expect(() => {
      for (let c = 0; c < 64; c++) store.writeOrigin(origin, c, new Uint8Array(CHUNK).fill(0xee));
    }).toThrow(/ENOSPC/);
    // Later writes are refused, saying why; close leaves the disk as the last commit made it.
    expect(() => store.createSnapshot({ name: 't' })).toThrow(/a commit failed \(ENOSPC/);
    store.close();

    const reopened = SharedStore.open(inner);
    const view = new Uint8Array(CHUNK);
    for (let c = 0; c < 64; c++) {
      readViewChunk(reopened, origin, 0, c, view);
      // The snapshot reads every chunk as it was: the old data where the origin was written, since
      // each origin write follows the commit of its copy.
      expect(view[0], `chunk ${c}`).toBe(c + 1);
    }
  });
});
