import fs from 'node:fs';
import path from 'node:path';
import { buildDemo, DEMO_COW_BYTES, DEMO_ORIGIN_BYTES, type DemoSummary } from '../../src-core/demo.ts';
import { SnapscopeError } from '../../src-core/errors.ts';
import { openInput } from './access/inputs.ts';
import type { FileDevice } from './file-device.ts';

/** The deterministic demo store (src-core/demo.ts) in `dir`: origin.img and shared.cow, created when missing. */
export function createDemoStore(dir: string): { dir: string; origin: string; cow: string; created: boolean } {
  const origin = path.join(dir, 'origin.img');
  const cow = path.join(dir, 'shared.cow');
  if (fs.existsSync(origin) && fs.existsSync(cow)) return { dir, origin, cow, created: false };
  writeDemoStore(origin, cow);
  return { dir, origin, cow, created: true };
}

/**
 * Writes the demo's two files, replacing what they held: each is locked for writing before it is
 * emptied, so a demo store someone has open (the UI, a CLI command) is refused, not destroyed.
 */
export function writeDemoStore(origin: string, cow: string): DemoSummary {
  try {
    fs.mkdirSync(path.dirname(cow), { recursive: true });
    for (const p of [origin, cow]) if (!fs.existsSync(p)) fs.closeSync(fs.openSync(p, 'wx'));
  } catch (e) {
    throw new SnapscopeError('io', `cannot create the demo in ${path.dirname(cow)}: ${(e as Error).message}`, { device: cow });
  }
  const o = openInput(origin, 'origin', true).dev as FileDevice;
  try {
    const c = openInput(cow, 'COW', true).dev as FileDevice;
    try {
      for (const [dev, size] of [[o, DEMO_ORIGIN_BYTES], [c, DEMO_COW_BYTES]] as const) {
        dev.resize(0);
        dev.resize(size);
      }
      return buildDemo(o, c);
    } finally {
      c.close();
    }
  } finally {
    o.close();
  }
}
