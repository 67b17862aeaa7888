import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient, type EngineClient } from '../../src-core/api/contract.ts';
import { buildPersistent } from '../../src-core/ir/persistent-builder.ts';
import { Geometry, SNAPSHOT_DISK_VERSION } from '../../src-core/persistent/format.ts';
import { PersistentStore } from '../../src-core/persistent/index.ts';
import { createDemoStore } from '../../src-main/host/demo-store.ts';
import { EngineService } from '../../src-main/host/engine-service.ts';
import { FileDevice } from '../../src-main/host/file-device.ts';

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'snapscope-main-'));
}

let demoBuilt: { cow: string; origin: string } | undefined;
/**
 * The demo store (origin.img, shared.cow) in `dir`, copied from one built once per test file: it is
 * the same bytes every time, and each build commits every 25 writes (fsyncs: seconds under load).
 */
export function demoCopy(dir: string): { cow: string; origin: string } {
  demoBuilt ??= createDemoStore(tempDir());
  const copy = { cow: path.join(dir, path.basename(demoBuilt.cow)), origin: path.join(dir, path.basename(demoBuilt.origin)) };
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(demoBuilt.cow, copy.cow);
  fs.copyFileSync(demoBuilt.origin, copy.origin);
  return copy;
}

/** A formatted persistent COW and a zeroed origin, as files. */
export function persistentPair(dir: string, chunkBytes = 4096, cowBytes = 1 << 20, originBytes = 1 << 20): { cow: string; origin: string } {
  const cow = path.join(dir, 'p.cow');
  const origin = path.join(dir, 'origin.img');
  fs.writeFileSync(cow, Buffer.alloc(0));
  fs.truncateSync(cow, cowBytes);
  fs.writeFileSync(origin, Buffer.alloc(0));
  fs.truncateSync(origin, originBytes);
  const dev = FileDevice.open(cow, { write: true });
  PersistentStore.format(dev, { chunkBytes }).close();
  dev.close();
  return { cow, origin };
}

/**
 * A persistent COW (sparse file) whose table holds `exceptions` entries, origin chunk i → the
 * i-th data chunk: a store whose open scan reads many areas. Only the metadata is written.
 */
export function tablePersistent(dir: string, exceptions: number, chunkBytes = 512): string {
  const cow = path.join(dir, 'table.cow');
  const geo = new Geometry(chunkBytes / 512);
  const chunkCount = Math.ceil((exceptions * geo.stride) / geo.exceptionsPerArea) + 2 * geo.stride;
  fs.writeFileSync(cow, Buffer.alloc(0));
  fs.truncateSync(cow, chunkCount * chunkBytes);
  const dev = FileDevice.open(cow, { write: true });
  const header = { format: 'persistent' as const, chunkBytes, chunkCount, valid: true, version: SNAPSHOT_DISK_VERSION, snapmask: 1n, snapshots: [] };
  buildPersistent(dev, header, {
    forEach(visit) {
      for (let i = 0, chunk = 2; i < exceptions; i++, chunk++) {
        if (geo.isMetadataChunk(chunk)) chunk++;
        visit(i, chunk, 1, 0);
      }
    },
  });
  dev.close();
  return cow;
}

/** The real EngineService, in process, behind the real contract client. */
export function inProcess(dataDir: string): { service: EngineService; client: EngineClient } {
  const service = new EngineService({ mode: 'local', version: 'test', dataDir, helper: { launcher: null, note: 'tests' } });
  return { service, client: createClient(service) };
}
