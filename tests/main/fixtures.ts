import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient, type EngineClient } from '../../src-core/api/contract.ts';
import { PersistentStore } from '../../src-core/persistent/index.ts';
import { EngineService } from '../../src-main/host/engine-service.ts';
import { FileDevice } from '../../src-main/host/file-device.ts';

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'snapscope-main-'));
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

/** The real EngineService, in process, behind the real contract client. */
export function inProcess(dataDir: string): { service: EngineService; client: EngineClient } {
  const service = new EngineService({ mode: 'local', version: 'test', dataDir, helper: { launcher: null, note: 'tests' } });
  return { service, client: createClient(service) };
}
