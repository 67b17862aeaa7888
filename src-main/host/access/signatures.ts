import fs from 'node:fs';

/** A known on-disk structure found on a target: what it is and where its magic bytes are. */
export interface Signature {
  name: string;
  /** Byte offset and bytes of the magic; `wipeSignatures` zeroes exactly these. */
  offset: number;
  magic: Uint8Array;
  /** Written by snapscope itself (a store it can open): `format --force` replaces it, nothing else to wipe. */
  store: boolean;
}

interface Magic {
  name: string;
  offsets: (size: number) => number[];
  magic: Uint8Array;
  store?: boolean;
}

const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const le32 = (v: number): Uint8Array => new Uint8Array(new Uint32Array([v]).buffer);
const at = (...offsets: number[]) => (): number[] => offsets;

/**
 * Magic numbers of what an admin does not want overwritten by mistake, at the offsets blkid and
 * wipefs look (util-linux libblkid): stores, filesystems, volume managers, swap, partition tables.
 */
const MAGICS: readonly Magic[] = [
  { name: 'snapscope shared store', offsets: at(0), magic: le32(0x10161974), store: true },
  { name: 'dm-snapshot persistent COW', offsets: at(0), magic: ascii('SnAp'), store: true },
  { name: 'ext2/3/4 filesystem', offsets: at(1024 + 0x38), magic: Uint8Array.of(0x53, 0xef) },
  { name: 'XFS filesystem', offsets: at(0), magic: ascii('XFSB') },
  { name: 'btrfs filesystem', offsets: at(65536 + 0x40), magic: ascii('_BHRfS_M') },
  { name: 'LVM2 physical volume', offsets: at(0, 512, 1024, 1536), magic: ascii('LABELONE') },
  { name: 'LUKS encrypted volume', offsets: at(0), magic: Uint8Array.of(0x4c, 0x55, 0x4b, 0x53, 0xba, 0xbe) },
  { name: 'swap space', offsets: at(4086, 8182, 16374, 65526), magic: ascii('SWAPSPACE2') },
  { name: 'swap space', offsets: at(4086, 8182, 16374, 65526), magic: ascii('SWAP-SPACE') },
  { name: 'GPT partition table', offsets: (size) => [512, 4096, size - 512], magic: ascii('EFI PART') },
  { name: 'DOS partition table or boot sector', offsets: at(510), magic: Uint8Array.of(0x55, 0xaa) },
];

/** Every known signature on the open file or device `fd` of `size` bytes. */
export function probeSignatures(fd: number, size: number): Signature[] {
  const found: Signature[] = [];
  for (const m of MAGICS) {
    for (const offset of m.offsets(size)) {
      if (offset < 0 || offset + m.magic.length > size) continue;
      const buf = new Uint8Array(m.magic.length);
      if (fs.readSync(fd, buf, 0, buf.length, offset) === buf.length && buf.every((b, i) => b === m.magic[i])) {
        found.push({ name: m.name, offset, magic: m.magic, store: m.store === true });
      }
    }
  }
  return found;
}

/** The signatures on an image file or block device, opened read-only for the probe; none for anything else. */
export function probePath(path: string, size: number): Signature[] {
  const fd = fs.openSync(path, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  try {
    return fs.fstatSync(fd).isFile() || fs.fstatSync(fd).isBlockDevice() ? probeSignatures(fd, size) : [];
  } finally {
    fs.closeSync(fd);
  }
}

/** Zeroes the magic bytes of each signature, so blkid and the kernel no longer recognise them. */
export function wipeSignatures(fd: number, signatures: readonly Signature[]): void {
  for (const s of signatures) fs.writeSync(fd, new Uint8Array(s.magic.length), 0, s.magic.length, s.offset);
}

/**
 * Whether `fd` holds anything but zeros where data would show: the first and last MiB, and every
 * byte of a file up to 256 MiB. Enough to tell a fresh (sparse or zeroed) target from one in use
 * without reading a whole disk.
 */
export function holdsData(fd: number, size: number): boolean {
  const window = 1 << 20;
  const ranges: [number, number][] = size <= 256 * window ? [[0, size]] : [[0, window], [size - window, size]];
  const buf = Buffer.alloc(window);
  const zeros = Buffer.alloc(window);
  for (const [from, to] of ranges) {
    for (let pos = from; pos < to; pos += window) {
      const n = fs.readSync(fd, buf, 0, Math.min(window, to - pos), pos);
      if (!buf.subarray(0, n).equals(zeros.subarray(0, n))) return true;
      if (n === 0) break;
    }
  }
  return false;
}

/** Whether a file holds a NUL byte in its first or last MiB: data, where no text file has one. */
export function holdsBinary(fd: number, size: number): boolean {
  const window = 1 << 20;
  const buf = Buffer.alloc(Math.min(window, size));
  for (const at of size <= window ? [0] : [0, size - window]) {
    const n = fs.readSync(fd, buf, 0, buf.length, at);
    if (buf.subarray(0, n).includes(0)) return true;
  }
  return false;
}

export function describeSignatures(signatures: readonly Signature[]): string {
  return [...new Set(signatures.map((s) => s.name))].join(', ');
}
