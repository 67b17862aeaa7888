import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient, type EngineClient } from '../../src-core/api/contract.ts';
import { EngineService } from '../../src-main/host/engine-service.ts';
import { Fixture, type CaseName } from '../core/persistent/kernel-fixtures.ts';
import { createAppStore, type AppStore } from '../../src-renderer/store/index.ts';

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'snapscope-renderer-'));
}

/** A kernel-written persistent fixture, decompressed into `dir` (the originals are never touched). */
export function kernelFixture(name: CaseName, dir: string): { cow: string; origin: string } {
  const fixture = new Fixture(name);
  const out = (image: string): string => {
    const target = path.join(dir, `${name}-${image}.img`);
    fs.writeFileSync(target, fixture.image(image));
    return target;
  };
  return { cow: out('cow'), origin: out('origin') };
}

/** The real EngineService in process behind the real contract client, and the app store over it. */
export function appOverEngine(dataDir: string): { service: EngineService; client: EngineClient; store: AppStore } {
  const service = new EngineService({ mode: 'local', version: 'test', dataDir, helper: { launcher: null, note: 'renderer tests' } });
  const client = createClient(service);
  return { service, client, store: createAppStore(client) };
}

/** Resolves once `predicate` holds for the store (events arrive asynchronously). */
export function until(store: AppStore, predicate: (s: ReturnType<AppStore['getState']>) => boolean, ms = 20_000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (predicate(store.getState())) return resolve();
    const timer = setTimeout(() => {
      off();
      reject(new Error('timed out waiting for the store'));
    }, ms);
    const off = store.subscribe((s) => {
      if (predicate(s)) {
        clearTimeout(timer);
        off();
        resolve();
      }
    });
  });
}

/** The deterministic demo store (`snapscope demo`) in `dir`, made through the API as the start view does. */
export async function demoStore(client: EngineClient, dir: string): Promise<{ cow: string; origin: string }> {
  const demo = await client.createDemo({ dir });
  return { cow: demo.cow, origin: demo.origin };
}
