import fs from 'node:fs';
import type { BlockDevice } from '../../src-core/io/block-device.ts';
import { DirectReader } from '../helper/direct-read.mjs';
import { FileDevice, ioError } from './file-device.ts';

/**
 * Reads a device from start to end for a copy (repair --out, read's image, restore --data-from).
 * Where the file system allows it, through a second descriptor of the same open file with
 * O_DIRECT: a buffered read of a sparse image's holes fills the page cache with zero pages, while a
 * direct read of a hole only clears the buffer (an empty 40 GiB store: 221 s before, 21.6 s after;
 * the README gives the runs). Elsewhere (a device through the helper, tmpfs, a size that is not
 * whole sectors), or once a direct read is refused, reads go through the device.
 */
export class CopyReader {
  private fd: number | null;
  private direct: DirectReader | null = null;

  constructor(private readonly src: BlockDevice) {
    this.fd = src instanceof FileDevice && src.size % 512 === 0 ? openDirect(src.handle()) : null;
    if (this.fd === null) return;
    try {
      this.direct = new DirectReader(fs, this.fd);
    } catch {
      this.close(); // no aligned buffer found: buffered
    }
  }

  read(offset: number, dst: Uint8Array): void {
    if (this.direct) {
      try {
        this.direct.read(dst, 0, dst.length, offset);
        return;
      } catch (e) {
        // The alignment probe read a hole (which checks nothing) and data here wants another: buffered from now on.
        if ((e as NodeJS.ErrnoException).code !== 'EINVAL') throw ioError(this.src.name, e, offset);
        this.close();
      }
    }
    this.src.read(offset, dst);
  }

  close(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
    this.direct = null;
  }
}

/** The file open as `fd` once more, read-only with O_DIRECT (through /proc: the file this process holds, whatever its path is now); null where refused. */
function openDirect(fd: number): number | null {
  try {
    return fs.openSync(`/proc/self/fd/${fd}`, fs.constants.O_RDONLY | fs.constants.O_DIRECT);
  } catch {
    return null;
  }
}
