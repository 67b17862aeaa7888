import fs from 'node:fs';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { serve, type Served } from '../../e2e/server.ts';
import type { EngineService } from '../../src-main/host/engine-service.ts';
import { inProcess, persistentPair, tempDir } from './fixtures.ts';

let services: EngineService[] = [];
let served: Served | null = null;
afterEach(async () => {
  for (const s of services.splice(0)) await s.dispose();
  await served?.stop();
  served = null;
});

function client(dir: string) {
  const r = inProcess(dir);
  services.push(r.service);
  return r.client;
}

it('a session asked to write a store another session holds (by another path) opens read-only, saying why', async () => {
  const dir = tempDir();
  const { cow, origin } = persistentPair(dir);
  const first = client(path.join(dir, 'a'));
  const second = client(path.join(dir, 'b'));
  const s1 = await first.open({ cow, origin, write: true });
  expect(s1.write).toBe(true);
  expect(s1.readOnlyReason).toBeUndefined();
  const alias = path.join(dir, '.', 'x', '..', path.basename(cow));
  fs.mkdirSync(path.join(dir, 'x'));
  const s2 = await second.open({ cow: alias, origin, write: true });
  expect(s2.write).toBe(false);
  expect(s2.readOnlyReason).toMatch(/^opened read-only: .* is in use \(open for writing by .*\(pid \d+, this process\)\)$/);
  await expect(second.writeChunk({ session: s2.session, to: 'snap', chunk: 3, fill: 3 })).rejects.toMatchObject({ code: 'read-only', message: expect.stringContaining('opened read-only') });
  // Once the writer closes, the store opens for writing again.
  await first.close({ session: s1.session });
  await second.close({ session: s2.session });
  expect((await second.open({ cow: alias, origin, write: true })).write).toBe(true);
});

it('a store that `snapscope serve --write` holds opens read-only in another process, naming it', async () => {
  const dir = tempDir();
  const { cow, origin } = persistentPair(dir);
  served = await serve([cow, origin, '--write'], { XDG_DATA_HOME: path.join(dir, 'serve'), HOME: path.join(dir, 'serve') });
  const c = client(dir);
  const s = await c.open({ cow, origin, write: true });
  expect(s.write).toBe(false);
  expect(s.readOnlyReason).toMatch(/open for writing by snapscope serve \(pid \d+\)/);
  // A reader is not refused: it reads the committed state.
  expect(s.info.format).toBe('persistent');
}, 120_000);
