import fs from 'node:fs';

/** The largest write the bounce buffer takes at once. */
const BOUNCE_BYTES = 8 << 20;
/** Alignment O_DIRECT may ask of memory, offsets and lengths (a page: the strictest of sector sizes in use). */
export const ALIGN = 4096;
/** The memory allocator's guaranteed alignment: the steps of the alignment probe. */
const STEP = 16;

/** A second descriptor of the file open as `fd`, with O_DIRECT (through /proc: the same file even if its path changed since); null where refused (tmpfs). */
export function openDirect(fd: number): number | null {
  try {
    return fs.openSync(`/proc/self/fd/${fd}`, fs.constants.O_WRONLY | fs.constants.O_DIRECT);
  } catch {
    return null;
  }
}

/**
 * Where in `memory` an O_DIRECT write through `directFd` may start, or null where no place is
 * accepted: Node cannot ask for an address, so src's first page is written at `offset` (its own
 * place) from each candidate; an unaligned try fails with EINVAL and writes nothing (a read probe
 * would not do: a read of a hole skips the check). `memory` has ALIGN bytes to spare.
 */
export function probeAlignment(directFd: number, memory: Buffer, offset: number, src: Uint8Array): number | null {
  for (let at = 0; at < ALIGN; at += STEP) {
    memory.set(src.subarray(0, ALIGN), at);
    try {
      fs.writeSync(directFd, memory, at, ALIGN, offset);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EINVAL') continue;
      throw e;
    }
    return at;
  }
  return null;
}

/**
 * Writes to a file or block device through a second descriptor opened with O_DIRECT, for bulk
 * copies: buffered writes of a merge's gigabytes were throttled to the disk's pace while they also
 * evicted the page cache, and reached 15–40% of `cp` + `sync`. O_DIRECT needs aligned memory, and
 * Node cannot ask for an address, so a bounce buffer is over-allocated and its aligned offset found
 * by trial on the first write (which writes its own data at its own place: an unaligned try fails
 * with EINVAL and writes nothing). `open` returns null where O_DIRECT is refused (tmpfs); writes
 * not aligned to ALIGN are the caller's to do buffered.
 */
export class DirectWriter {
  private bounce: Buffer | null = null;
  /** No aligned offset was found: every write goes buffered. */
  private refused = false;

  private constructor(private readonly fd: number) {}

  /** A writer through a second descriptor of the file open as `fd` (see openDirect). */
  static open(fd: number): DirectWriter | null {
    const direct = openDirect(fd);
    return direct === null ? null : new DirectWriter(direct);
  }

  /** Whether `write` takes a write of `length` bytes at `offset`. */
  static fits(offset: number, length: number): boolean {
    return offset % ALIGN === 0 && length % ALIGN === 0 && length > 0;
  }

  /**
   * The start of the aligned bounce buffer (null before the first write found it): data read into it
   * and written from it is written without a copy. Valid until the next write.
   */
  buffer(bytes: number): Uint8Array | null {
    return this.bounce && bytes <= this.bounce.length ? this.bounce.subarray(0, bytes) : null;
  }

  /** Writes `src` (offset and length aligned: see `fits`); false when the alignment probe fails (write it buffered). */
  write(offset: number, src: Uint8Array): boolean {
    if (this.refused) return false;
    const bounce = this.bounce ?? this.probe(offset, src);
    if (!bounce) {
      this.refused = true;
      return false;
    }
    if (src.buffer === bounce.buffer && src.byteOffset === bounce.byteOffset) {
      for (let done = 0; done < src.length; ) done += fs.writeSync(this.fd, src, done, src.length - done, offset + done);
      return true;
    }
    for (let at = 0; at < src.length; ) {
      const n = Math.min(bounce.length, src.length - at);
      bounce.set(src.subarray(at, at + n));
      let done = 0;
      while (done < n) done += fs.writeSync(this.fd, bounce, done, n - done, offset + at + done);
      at += n;
    }
    return true;
  }

  close(): void {
    fs.closeSync(this.fd);
  }

  /** A new bounce buffer at its aligned offset (see probeAlignment), or null. */
  private probe(offset: number, src: Uint8Array): Buffer | null {
    const raw = Buffer.allocUnsafeSlow(BOUNCE_BYTES + ALIGN);
    const at = probeAlignment(this.fd, raw, offset, src);
    if (at === null) return null;
    this.bounce = raw.subarray(at, at + BOUNCE_BYTES);
    return this.bounce;
  }
}
