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
  const dir = path.dirname(cow);
  // Files this run created: a refusal of the other one removes them, so a failed demo leaves nothing.
  const created: string[] = [];
  try {
    if (fs.existsSync(dir) && !fs.statSync(dir).isDirectory()) throw new SnapscopeError('usage', `${dir} is not a directory`, { device: dir });
    fs.mkdirSync(dir, { recursive: true });
    for (const p of [origin, cow]) {
      if (fs.existsSync(p)) continue;
      fs.closeSync(fs.openSync(p, 'wx'));
      created.push(p);
    }
  } catch (e) {
    removeCreated(created);
    if (e instanceof SnapscopeError) throw e;
    throw new SnapscopeError('io', `cannot create the demo in ${dir}: ${(e as Error).message}`, { device: cow });
  }
  let o: FileDevice | null = null;
  let c: FileDevice;
  try {
    o = openInput(origin, 'origin', true).dev as FileDevice;
    c = openInput(cow, 'COW', true).dev as FileDevice;
  } catch (e) {
    o?.close();
    removeCreated(created);
    throw e;
  }
  try {
    for (const [dev, size] of [[o, DEMO_ORIGIN_BYTES], [c, DEMO_COW_BYTES]] as const) {
      dev.resize(0);
      dev.resize(size);
    }
    return buildDemo(o, c);
  } finally {
    c.close();
    o.close();
  }
}

/** Empty files this run made (nobody else wrote them: created with O_EXCL moments ago). */
function removeCreated(files: readonly string[]): void {
  for (const f of files) fs.rmSync(f, { force: true });
}
