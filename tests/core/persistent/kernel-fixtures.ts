/** Loads the kernel-written fixtures of test-fixtures/kernel/ (gzip'd, decompressed in memory) and rebuilds their data patterns. */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { MemoryDevice } from '../../../src-core/io/memory-device.ts';

export const FIXTURE_DIR = path.resolve(import.meta.dirname, '../../../test-fixtures/kernel');
export const CASES = ['p-basic-c8', 'p-multiarea-c8', 'p-fullarea-c8', 'p-merge-full', 'p-overflow'] as const;
export type CaseName = (typeof CASES)[number];

export interface FixtureWrite {
  target: 'origin' | 'snap';
  chunk: number;
  tag_prefix: string;
  sector: number;
  sectors: number;
}

export interface Manifest {
  chunk_sectors: number;
  chunk_bytes: number;
  exceptions_per_area: number;
  origin_bytes: number;
  cow_bytes: number;
  writes: FixtureWrite[];
}

export interface StatusRow {
  phase: string;
  label: string;
  what: string;
  value: string;
}

export class Fixture {
  readonly manifest: Manifest;
  readonly status: StatusRow[];
  constructor(readonly name: CaseName) {
    const dir = path.join(FIXTURE_DIR, name);
    this.manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Manifest;
    this.status = fs
      .readFileSync(path.join(dir, 'status.txt'), 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => {
        const [, phase = '', label = '', what = '', value = ''] = l.split('\t');
        return { phase, label, what, value };
      });
  }

  has(image: string): boolean {
    return fs.existsSync(path.join(FIXTURE_DIR, this.name, `${image}.img.gz`));
  }

  /** A decompressed image, e.g. 'cow', 'origin', 'snapshot-view'. */
  image(image: string): Uint8Array {
    return new Uint8Array(zlib.gunzipSync(fs.readFileSync(path.join(FIXTURE_DIR, this.name, `${image}.img.gz`))));
  }

  device(image: string, readOnly = false): MemoryDevice {
    return new MemoryDevice(this.image(image), `${this.name}/${image}.img`, readOnly);
  }

  /** The usage part of a `dmsetup status snap|origin` line: "376/2048 16", "Invalid". */
  statusOf(phase: string, label: string, device: 'snap' | 'origin'): string {
    const row = this.status.find((r) => r.phase === phase && r.label === label && r.what === `dmsetup status ${device}`);
    if (!row) throw new Error(`${this.name}: no status ${device} at ${phase}/${label}`);
    return row.value.split(' ').slice(3).join(' ');
  }
}

/** One 512-byte sector holding `line` repeated (last copy truncated). */
export function patternSector(line: string): Uint8Array {
  const bytes = new TextEncoder().encode(line);
  const out = new Uint8Array(512);
  for (let i = 0; i < 512; i++) out[i] = bytes[i % bytes.length]!;
  return out;
}

/** The origin as it was before any write: sector s holds "ORIG c=<s/chunk> s=<s>\n". */
export function pristineOrigin(m: Manifest): Uint8Array {
  const out = new Uint8Array(m.origin_bytes);
  for (let s = 0; s < m.origin_bytes / 512; s++) out.set(patternSector(`ORIG c=${Math.floor(s / m.chunk_sectors)} s=${s}\n`), s * 512);
  return out;
}

/** The bytes of one manifest write. */
export function writeData(w: FixtureWrite): Uint8Array {
  const out = new Uint8Array(w.sectors * 512);
  for (let i = 0; i < w.sectors; i++) out.set(patternSector(`${w.tag_prefix} c=${w.chunk} s=${w.sector + i}\n`), i * 512);
  return out;
}
