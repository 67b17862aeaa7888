/**
 * Persistent-store benchmarks: open a COW of 2M exceptions (32 MiB of metadata, sparse file), and
 * merge 1 GiB of exceptions into a file-backed origin against `cp` of the same bytes, same disk.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runToEnd } from '../src-core/jobs/job.ts';
import { ENTRY_BYTES, Geometry, writeLe64 } from '../src-core/persistent/format.ts';
import { createPersistentMerge, PersistentStore } from '../src-core/persistent/index.ts';
import { FileDevice } from '../src-main/host/file-device.ts';

const CHUNK = 4096;
const MiB = 1 << 20;

export interface PersistentBenchResult {
  openSeconds: number;
  openExceptions: number;
  mergeSeconds: number;
  mergeBytes: number;
  cpSeconds: number;
  cpSyncSeconds: number;
  mergeVsCp: number;
  mergeVsCpSync: number;
}

/**
 * Writes a COW as the kernel would after `exceptions` sequential origin writes: areas full of
 * entries old = i, new = the i-th allocated chunk. With `withData`, data chunks hold bytes.
 */
function writeCow(file: string, exceptions: number, withData: boolean): void {
  const geo = new Geometry(CHUNK / 512);
  const epa = geo.exceptionsPerArea;
  const areas = Math.ceil(exceptions / epa) + (exceptions % epa === 0 ? 1 : 0);
  const chunks = geo.areaLocation(areas - 1) + 1 + epa;
  const fd = fs.openSync(file, 'w');
  fs.ftruncateSync(fd, chunks * CHUNK);
  const header = new Uint8Array(512);
  const hv = new DataView(header.buffer);
  hv.setUint32(0, 0x70416e53, true);
  hv.setUint32(4, 1, true);
  hv.setUint32(8, 1, true);
  hv.setUint32(12, CHUNK / 512, true);
  fs.writeSync(fd, header, 0, 512, 0);
  const area = new Uint8Array(CHUNK);
  const av = new DataView(area.buffer);
  const data = new Uint8Array(epa * CHUNK);
  for (let a = 0; a < areas; a++) {
    area.fill(0);
    const first = a * epa;
    const n = Math.max(0, Math.min(epa, exceptions - first));
    for (let j = 0; j < n; j++) {
      writeLe64(av, j * ENTRY_BYTES, first + j);
      writeLe64(av, j * ENTRY_BYTES + 8, geo.areaLocation(a) + 1 + j);
    }
    fs.writeSync(fd, area, 0, CHUNK, geo.areaLocation(a) * CHUNK);
    if (withData && n > 0) {
      data.fill(1 + (a % 255));
      fs.writeSync(fd, data, 0, n * CHUNK, (geo.areaLocation(a) + 1) * CHUNK);
    }
  }
  fs.closeSync(fd);
}

/** Spot-checks that origin chunk i holds area (i / epa)'s fill byte, as writeCow wrote it. */
function verifyMerged(originFile: string, chunks: number): void {
  const fd = fs.openSync(originFile, 'r');
  const byte = new Uint8Array(1);
  for (let i = 0; i < chunks; i += 4099) {
    fs.readSync(fd, byte, 0, 1, i * CHUNK + 17);
    if (byte[0] !== 1 + (Math.floor(i / (CHUNK / ENTRY_BYTES)) % 255)) throw new Error(`merge bench: origin chunk ${i} was not merged`);
  }
  fs.closeSync(fd);
}

function seconds(work: () => void): number {
  const t = process.hrtime.bigint();
  work();
  return Number(process.hrtime.bigint() - t) / 1e9;
}

export async function run(): Promise<PersistentBenchResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snapscope-bench-persistent-'));
  try {
    // 1. Open 2M exceptions.
    const bigCow = path.join(dir, 'big-cow.img');
    const openExceptions = 2 * MiB;
    writeCow(bigCow, openExceptions, false);
    let opened = 0;
    const openOnce = (): number =>
      seconds(() => {
        const dev = FileDevice.open(bigCow);
        opened = PersistentStore.open(dev).exceptions;
        dev.close();
      });
    const openSeconds = openOnce();
    const openBest = Math.min(openSeconds, openOnce(), openOnce());
    fs.rmSync(bigCow);

    // 2. Merge 1 GiB of exceptions into a sparse origin file, against cp of the same bytes.
    const mergeBytes = 1024 * MiB;
    const cowFile = path.join(dir, 'cow.img');
    const originFile = path.join(dir, 'origin.img');
    writeCow(cowFile, mergeBytes / CHUNK, true);
    const cpSeconds = seconds(() => execFileSync('cp', ['--sparse=never', cowFile, path.join(dir, 'cp-1')]));
    const cpSyncSeconds = seconds(() => {
      execFileSync('cp', ['--sparse=never', cowFile, path.join(dir, 'cp-2')]);
      execFileSync('sync', [path.join(dir, 'cp-2')]);
    });
    fs.rmSync(path.join(dir, 'cp-1'));
    fs.rmSync(path.join(dir, 'cp-2'));
    fs.writeFileSync(originFile, '');
    fs.truncateSync(originFile, mergeBytes);
    const mergeSeconds = seconds(() => {
      const cow = FileDevice.open(cowFile, { write: true });
      const origin = FileDevice.open(originFile, { write: true });
      runToEnd(createPersistentMerge(PersistentStore.open(cow, { write: true }), origin));
      cow.close();
      origin.close();
    });
    verifyMerged(originFile, mergeBytes / CHUNK);
    const result: PersistentBenchResult = {
      openSeconds,
      openExceptions: opened,
      mergeSeconds,
      mergeBytes,
      cpSeconds,
      cpSyncSeconds,
      mergeVsCp: cpSeconds / mergeSeconds,
      mergeVsCpSync: cpSyncSeconds / mergeSeconds,
    };
    const mbs = (s: number): string => `${(mergeBytes / MiB / s).toFixed(0)} MiB/s`;
    console.log(`persistent open: ${opened} exceptions in ${openSeconds.toFixed(3)} s first, ${openBest.toFixed(3)} s best of 3 (target < 0.5 s)`);
    console.log(`persistent merge: 1 GiB in ${mergeSeconds.toFixed(2)} s (${mbs(mergeSeconds)}, durable)`);
    console.log(`cp:              1 GiB in ${cpSeconds.toFixed(2)} s (${mbs(cpSeconds)}); cp + sync ${cpSyncSeconds.toFixed(2)} s (${mbs(cpSyncSeconds)})`);
    console.log(`merge / cp: ${(result.mergeVsCp * 100).toFixed(0)}%, merge / (cp + sync): ${(result.mergeVsCpSync * 100).toFixed(0)}% (target >= 80%)`);
    return result;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
