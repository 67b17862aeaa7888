// Reads that bypass the page cache (O_DIRECT), for devices another writer changes under us: the
// kernel's dm-snapshot writes a COW with bios that never touch the page cache of the COW's own
// device node, so a buffered read there can return pages cached before the kernel's last commit.
// Plain JavaScript with no imports but node:fs, because the helper runs it as root with bare node.
//
// O_DIRECT needs memory aligned to the device's sectors, and Node cannot ask for an address, so a
// bounce buffer is over-allocated and the aligned offset inside it found by trial reads (an
// unaligned one fails with EINVAL), once per reader.

const PROBE = 4096;
const STEP = 16; // the allocator's guaranteed alignment

export class DirectReader {
  /** @param {typeof import('node:fs')} fs @param {number} fd opened with O_DIRECT @param {number} bufferBytes */
  constructor(fs, fd, bufferBytes = 1 << 20) {
    this.fs = fs;
    this.fd = fd;
    this.bytes = Math.max(PROBE, Math.ceil(bufferBytes / PROBE) * PROBE);
    const raw = Buffer.alloc(this.bytes + PROBE);
    let start = -1;
    for (let at = 0; at < PROBE && start < 0; at += STEP) {
      try {
        fs.readSync(fd, raw, at, PROBE, 0);
        start = at;
      } catch (e) {
        if (e.code !== 'EINVAL') throw e;
      }
    }
    if (start < 0) throw Object.assign(new Error('no aligned buffer for O_DIRECT reads'), { code: 'EINVAL' });
    this.bounce = raw.subarray(start, start + this.bytes);
  }

  /** Fills dst from offset; offset and length need not be aligned (the device size must be sector-aligned). */
  read(dst, dstOffset, length, offset) {
    const first = Math.floor(offset / 512) * 512;
    let pos = first;
    let copied = 0;
    while (copied < length) {
      const want = Math.min(this.bytes, Math.ceil((offset + length - pos) / 512) * 512);
      const got = this.fs.readSync(this.fd, this.bounce, 0, want, pos);
      if (got <= 0) throw Object.assign(new Error(`short read at ${pos}`), { code: 'EIO' });
      const skip = pos < offset ? offset - pos : 0;
      const n = Math.min(got - skip, length - copied);
      this.bounce.copy(dst, dstOffset + copied, skip, skip + n);
      copied += n;
      pos += got;
    }
    return copied;
  }
}
