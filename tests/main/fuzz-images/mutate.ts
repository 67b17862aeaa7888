import { HEADER_LAYOUT, headerChecksum } from '../../../src-core/shared/format/header.ts';
import { LEAF_MAGIC } from '../../../src-core/shared/format/leaf.ts';

/**
 * Mutations of a store image for the fuzz suite: blind byte edits, and edits that know the formats
 * (docs/format-shared.md, docs/format-persistent.md) so they get past the first check into the
 * code behind it — header fields with the checksum recomputed, leaf base_chunk ≥ 2^32, table
 * entries with huge chunk numbers, huge chunk sizes. Deterministic for a seed.
 */
export type Format = 'shared' | 'persistent';

export interface Mutant {
  name: string;
  bytes: Buffer;
}

/** Values that sit on the edges of the integer widths the formats use. */
const EDGES = [0n, 1n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 1n << 32n, (1n << 32n) + 5n, (1n << 53n) - 1n, 1n << 53n, (1n << 63n) + 7n, (1n << 64n) - 1n];
/** Chunk sizes in sectors: 1 GiB, 2 GiB, the 32-bit limits, not a power of two, zero. */
const HUGE_CHUNK_SECTORS = [1 << 21, 1 << 22, 0x7fffffff, 0xffffffff, 3, 0, 1 << 16];

export class Rng {
  constructor(private state: number) {}
  next(): number {
    this.state = (Math.imul(this.state, 1103515245) + 12345) >>> 0;
    return this.state / 0x100000000;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
}

export function mutants(format: Format, seed: Buffer, chunkBytes: number, count: number, rngSeed: number): Mutant[] {
  const rng = new Rng(rngSeed);
  const out: Mutant[] = [];
  const structural = format === 'shared' ? sharedMutations(seed, chunkBytes) : persistentMutations(seed, chunkBytes);
  for (let i = 0; i < count; i++) {
    const kind = i % 3;
    if (kind === 0 && structural.length) out.push(rng.pick(structural)(rng));
    else if (kind === 1) out.push(byteFlips(seed, rng));
    else out.push(wordEdits(seed, rng, chunkBytes));
  }
  return out;
}

/** The cases the issue names, always included: base_chunk ≥ 2^32 in a leaf, 1 GiB chunks, 2^32 origin chunks. */
export function namedMutants(format: Format, seed: Buffer, chunkBytes: number): Mutant[] {
  const edit = (name: string, f: (b: Buffer) => void): Mutant => {
    const b = Buffer.from(seed);
    f(b);
    if (format === 'shared') b.writeUInt32LE(headerChecksum(b), HEADER_LAYOUT.checksum.offset);
    return { name, bytes: b };
  };
  if (format === 'shared') {
    const leaves: number[] = [];
    for (let off = chunkBytes; off + chunkBytes <= seed.length; off += chunkBytes) if (seed.readUInt16LE(off) === LEAF_MAGIC) leaves.push(off);
    const shift = (by: bigint) => (b: Buffer) => {
      for (const leaf of leaves) b.writeBigUInt64LE(b.readBigUInt64LE(leaf + 8) + by, leaf + 8);
    };
    return [
      // Every leaf's origins moved up by 2^32 + 1 (order kept): truncated to 32 bits, merge once spun forever (issue 12 point 8).
      edit('every leaf base_chunk += 2^32+1', shift((1n << 32n) + 1n)),
      edit('every leaf base_chunk += 2^32', shift(1n << 32n)),
      edit('header chunk_size 1 GiB', (b) => b.writeUInt32LE(1 << 21, HEADER_LAYOUT.chunk_size.offset)),
    ];
  }
  return [
    edit('header chunk_size 1 GiB', (b) => b.writeUInt32LE(1 << 21, 12)),
    edit('entry 0 old_chunk 2^32', (b) => b.writeBigUInt64LE(1n << 32n, chunkBytes)),
  ];
}

function byteFlips(seed: Buffer, rng: Rng): Mutant {
  const b = Buffer.from(seed);
  const n = 1 + rng.int(16);
  const span = Math.min(b.length, 256 << 10); // the metadata is near the start
  for (let k = 0; k < n; k++) b[rng.int(span)] = rng.int(256);
  return { name: `bytes x${n}`, bytes: b };
}

/** A 4- or 8-byte word somewhere in the metadata set to an edge value; sometimes a truncation. */
function wordEdits(seed: Buffer, rng: Rng, chunkBytes: number): Mutant {
  if (rng.int(8) === 0) {
    const keep = Math.max(1, rng.int(seed.length));
    return { name: `truncated to ${keep}`, bytes: Buffer.from(seed.subarray(0, keep)) };
  }
  const b = Buffer.from(seed);
  const at = 8 * rng.int(Math.min(b.length, 64 * chunkBytes) / 8);
  const v = rng.pick(EDGES);
  if (rng.int(2) === 0) b.writeBigUInt64LE(v & 0xffffffffffffffffn, at);
  else b.writeUInt32LE(Number(v & 0xffffffffn), at);
  return { name: `word @${at} = ${v}`, bytes: b };
}

type Mutation = (rng: Rng) => Mutant;

function sharedMutations(seed: Buffer, chunkBytes: number): Mutation[] {
  const withHeader = (name: string, edit: (b: Buffer) => void): Mutant => {
    const b = Buffer.from(seed);
    edit(b);
    b.writeUInt32LE(headerChecksum(b), HEADER_LAYOUT.checksum.offset); // past the checksum, into the checks behind it
    return { name, bytes: b };
  };
  const leaves: number[] = [];
  for (let off = chunkBytes; off + chunkBytes <= seed.length; off += chunkBytes) if (seed.readUInt16LE(off) === LEAF_MAGIC) leaves.push(off);
  const fields = Object.entries(HEADER_LAYOUT).filter(([k]) => k !== 'checksum' && k !== 'magic');
  return [
    (rng) => {
      const s = rng.pick(HUGE_CHUNK_SECTORS);
      return withHeader(`header chunk_size ${s}`, (b) => b.writeUInt32LE(s >>> 0, HEADER_LAYOUT.chunk_size.offset));
    },
    (rng) => {
      const [name, f] = rng.pick(fields);
      const v = rng.pick(EDGES);
      return withHeader(`header ${name} = ${v}`, (b) => {
        if (f.size === 8) b.writeBigUInt64LE(v & 0xffffffffffffffffn, f.offset);
        else if (f.size === 4) b.writeUInt32LE(Number(v & 0xffffffffn), f.offset);
      });
    },
    (rng) => {
      const b = Buffer.from(seed);
      const leaf = leaves.length ? rng.pick(leaves) : chunkBytes;
      const v = rng.pick([1n << 32n, (1n << 32n) + 1n, (1n << 33n) - 3n, 1n << 53n, (1n << 64n) - 1n]);
      b.writeBigUInt64LE(v, leaf + 8); // base_chunk: origin = base_chunk + rchunk
      return { name: `leaf @${leaf} base_chunk ${v}`, bytes: b };
    },
    (rng) => {
      const b = Buffer.from(seed);
      const leaf = leaves.length ? rng.pick(leaves) : chunkBytes;
      const count = b.readUInt32LE(leaf + 4);
      const i = rng.int(count + 2);
      const field = rng.int(2) * 4; // map.offset or map.rchunk
      const v = Number(rng.pick(EDGES) & 0xffffffffn);
      b.writeUInt32LE(v, leaf + 16 + 8 * i + field);
      return { name: `leaf @${leaf} map[${i}].${field ? 'rchunk' : 'offset'} = ${v}`, bytes: b };
    },
    (rng) => {
      const b = Buffer.from(seed);
      const leaf = leaves.length ? rng.pick(leaves) : chunkBytes;
      const v = rng.pick([0, 1, 0xffff, 0xffffffff, Math.floor(chunkBytes / 8)]);
      b.writeUInt32LE(v >>> 0, leaf + 4); // count
      return { name: `leaf @${leaf} count ${v}`, bytes: b };
    },
  ];
}

function persistentMutations(seed: Buffer, chunkBytes: number): Mutation[] {
  const entries = chunkBytes / 16;
  return [
    (rng) => {
      const b = Buffer.from(seed);
      const s = rng.pick(HUGE_CHUNK_SECTORS);
      b.writeUInt32LE(s >>> 0, 12);
      return { name: `header chunk_size ${s}`, bytes: b };
    },
    (rng) => {
      const b = Buffer.from(seed);
      const i = rng.int(Math.min(entries, 64));
      const v = rng.pick(EDGES);
      const field = rng.int(2) * 8; // old_chunk (origin) or new_chunk (COW)
      b.writeBigUInt64LE(v & 0xffffffffffffffffn, chunkBytes + 16 * i + field);
      return { name: `area 0 entry ${i} ${field ? 'new' : 'old'}_chunk = ${v}`, bytes: b };
    },
    (rng) => {
      const b = Buffer.from(seed);
      const i = rng.int(Math.min(entries, 64));
      const j = rng.int(Math.min(entries, 64));
      b.copy(b, chunkBytes + 16 * i, chunkBytes + 16 * j, chunkBytes + 16 * j + 16); // a duplicated entry
      return { name: `area 0 entry ${i} = entry ${j}`, bytes: b };
    },
    (rng) => {
      const b = Buffer.from(seed);
      b.writeUInt32LE(rng.pick([0, 2, 0xffffffff]), rng.pick([4, 8])); // valid, version
      return { name: 'header valid/version', bytes: b };
    },
  ];
}
