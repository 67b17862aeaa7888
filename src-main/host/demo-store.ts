import fs from 'node:fs';
import path from 'node:path';
import { buildDemo, DEMO_COW_BYTES, DEMO_ORIGIN_BYTES } from '../../src-core/demo.ts';
import { FileDevice } from './file-device.ts';

/** The deterministic demo store (src-core/demo.ts) in `dir`: origin.img and shared.cow, created when missing. */
export function createDemoStore(dir: string): { dir: string; origin: string; cow: string; created: boolean } {
  const origin = path.join(dir, 'origin.img');
  const cow = path.join(dir, 'shared.cow');
  if (fs.existsSync(origin) && fs.existsSync(cow)) return { dir, origin, cow, created: false };
  fs.mkdirSync(dir, { recursive: true });
  for (const [p, size] of [[origin, DEMO_ORIGIN_BYTES], [cow, DEMO_COW_BYTES]] as const) {
    fs.writeFileSync(p, Buffer.alloc(0));
    fs.truncateSync(p, size);
  }
  const o = FileDevice.open(origin, { write: true });
  const c = FileDevice.open(cow, { write: true });
  try {
    buildDemo(o, c);
  } finally {
    o.close();
    c.close();
  }
  return { dir, origin, cow, created: true };
}
