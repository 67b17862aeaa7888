import fs from 'node:fs';
import { afterEach, expect, it } from 'vitest';
import type { Envelope, SessionDto } from '../../src-core/api/contract.ts';
import { EngineHost } from '../../src-main/host/engine-host.ts';
import { persistentPair, tempDir } from './fixtures.ts';

/** A store thread whose store closed serves the next open, under a new session id. */
let host: EngineHost | null = null;
const dirs: string[] = [];
afterEach(async () => {
  await host?.dispose();
  host = null;
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

it('store after store: every open gets a session id never used before, and an old id names nothing', async () => {
  const a = tempDir();
  const b = tempDir();
  dirs.push(a, b);
  const stores = [persistentPair(a), persistentPair(b)];
  host = new EngineHost({ mode: 'local', version: 'test', dataDir: a, helper: { launcher: null, note: null } });
  const seen = new Set<string>();
  let last: SessionDto | null = null;
  for (let round = 0; round < 4; round++) {
    const store = stores[round % 2]!;
    const r = await host.call('open', { cow: store.cow, origin: store.origin });
    if (!r.ok) throw new Error(r.error.message);
    const s = r.result as SessionDto;
    expect(seen.has(s.session)).toBe(false);
    seen.add(s.session);
    expect(s.cow).toBe(store.cow);
    if (last) {
      const old = (await host.call('info', { session: last.session })) as Envelope<unknown>;
      expect(old.ok ? 'answered' : old.error.code).toBe('unknown-session');
    }
    expect(((await host.call('close', { session: s.session })) as Envelope<unknown>).ok).toBe(true);
    last = s;
  }
  expect(host.threads).toBe(1); // only the host thread works; closed stores' threads wait as spares
});
