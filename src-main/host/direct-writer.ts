import fs from 'node:fs';

/** The largest write the bounce buffer takes at once. */
const BOUNCE_BYTES = 8 << 20;
/** Alignment O_DIRECT may ask of memory, offsets and lengths (a page: the strictest of sector sizes in use). */
const ALIGN = 4096;
/** The memory allocator's guaranteed alignment: the steps of the alignment probe. */
const STEP = 16;

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

  /** A second descriptor of the file open as `fd` (through /proc: the same file even if its path changed since). */
  static open(fd: number): DirectWriter | null {
    try {
      return new DirectWriter(fs.openSync(`/proc/self/fd/${fd}`, fs.constants.O_WRONLY | fs.constants.O_DIRECT));
    } catch {
      return null;
    }
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

  /** Finds the aligned offset in a new bounce buffer by writing src's first page from each candidate. */
  private probe(offset: number, src: Uint8Array): Buffer | null {
    const raw = Buffer.allocUnsafeSlow(BOUNCE_BYTES + ALIGN);
    for (let at = 0; at < ALIGN; at += STEP) {
      raw.set(src.subarray(0, ALIGN), at);
      try {
        fs.writeSync(this.fd, raw, at, ALIGN, offset);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EINVAL') continue;
        throw e;
      }
      this.bounce = raw.subarray(at, at + BOUNCE_BYTES);
      return this.bounce;
    }
    return null;
  }
}
