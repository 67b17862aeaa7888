import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { FileDevice } from '../../src-main/host/file-device.ts';
import { WriteBehindDevice } from '../../src-main/host/write-behind.ts';
import { tempDir } from './fixtures.ts';

const MiB = 1 << 20;

/** A sparse file of `bytes` opened for writing, and the write-behind device over it (null where O_DIRECT is refused). */
function open(bytes: number): { file: string; dev: FileDevice; wb: WriteBehindDevice | null } {
  const file = path.join(tempDir(), 'origin.img');
  fs.writeFileSync(file, '');
  fs.truncateSync(file, bytes);
  const dev = FileDevice.open(file, { write: true });
  return { file, dev, wb: WriteBehindDevice.over(dev) };
}

/**
 * Waits for the writer thread to run (it starts without this thread's event loop turning; until then
 * writes are made in line). Polled: under load it has taken longer than 200 ms.
 */
function untilStarted(wb: WriteBehindDevice): void {
  const nap = new Int32Array(new SharedArrayBuffer(4));
  for (const end = Date.now() + 30_000; !wb.writerStarted; Atomics.wait(nap, 0, 0, 10)) {
    if (Date.now() > end) throw new Error('the writer thread did not start in 30 s');
  }
}

it('queued writes land in the order given; a read, a write and a flush each wait for them first', () => {
  const { file, dev, wb } = open(64 * MiB);
  if (!wb) return void console.warn('skipped: O_DIRECT refused in the temp dir');
  const model = new Uint8Array(64 * MiB);
  const put = (offset: number, bytes: number, fill: number, through = true) => {
    const buf = (through && wb.throughBuffer(bytes)) || new Uint8Array(bytes);
    buf.fill(fill);
    buf[0] = fill ^ 0xff;
    model.set(buf, offset);
    wb.writeThrough(offset, buf);
  };
  try {
    put(0, MiB, 1); // the first write finds the alignment, in line
    untilStarted(wb);
    for (let i = 0; i < 24; i++) put(((i * 7) % 40) * MiB, 2 * MiB, 2 + i, i % 3 !== 0); // overlapping ranges: the later write wins
    // Each check follows 32 MiB of queued writes (all the slots), so without its wait it would overtake them.
    const queue = (fill: number) => {
      for (let i = 0; i < 4; i++) put(i * 8 * MiB, 8 * MiB, fill + i);
    };
    queue(30);
    const seen = new Uint8Array(8 * MiB);
    wb.read(24 * MiB, seen);
    expect(Buffer.compare(seen, model.subarray(24 * MiB, 32 * MiB))).toBe(0);
    queue(40);
    put(24 * MiB + 512, 4096, 90); // not page-aligned: written buffered, after the queued ones
    queue(50);
    wb.write(24 * MiB, new Uint8Array(4096).fill(5)); // a plain write goes after the queued ones
    model.fill(5, 24 * MiB, 24 * MiB + 4096);
    put(41 * MiB, 20 * MiB, 77, false); // larger than a slot: queued in pieces
    wb.flush();
    // Another descriptor sees everything once flush returned: nothing is still queued.
    expect(Buffer.compare(fs.readFileSync(file), model)).toBe(0);
  } finally {
    wb.release();
    dev.close();
  }
});

it('a write that fails on the writer thread is thrown, naming the device and offset, by the flush that waits for it', () => {
  const { file, dev, wb } = open(16 * MiB);
  if (!wb) return void console.warn('skipped: O_DIRECT refused in the temp dir');
  const immutable = (on: boolean) => execFileSync('chattr', [on ? '+i' : '-i', file], { stdio: 'ignore' });
  try {
    wb.writeThrough(0, new Uint8Array(MiB).fill(1));
    untilStarted(wb);
    try {
      immutable(true); // ext4 refuses writes to an immutable file (EPERM), even through an open descriptor
    } catch {
      return void console.warn('skipped: chattr +i needs root and a file system that has it');
    }
    wb.writeThrough(4 * MiB, new Uint8Array(MiB).fill(2)); // queued: returns before the write fails
    expect(() => wb.flush()).toThrow(expect.objectContaining({ code: 'io', message: expect.stringMatching(new RegExp(`I/O error on ${file} at offset ${4 * MiB}: .*EPERM`)) }));
  } finally {
    try {
      immutable(false);
    } catch {
      // never set
    }
    wb.release();
    dev.close();
  }
});
