import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoStore } from '../../src-main/host/demo-store.ts';
import type { EngineService } from '../../src-main/host/engine-service.ts';
import { inProcess, persistentPair, tempDir } from './fixtures.ts';

/** Sessions (issue 12, points 9 and 10): a failed open leaves nothing behind; one store is one session. */
let dir: string;
let service: EngineService;
let demo: { cow: string; origin: string };

beforeAll(() => {
  dir = tempDir();
  demo = createDemoStore(path.join(dir, 'demo'));
  service = inProcess(path.join(dir, 'data')).service;
});
afterAll(async () => service?.dispose());

/** The paths this process holds open (/proc/self/fd). */
function heldFiles(): string[] {
  const out: string[] = [];
  for (const fd of fs.readdirSync('/proc/self/fd')) {
    try {
      out.push(fs.readlinkSync(`/proc/self/fd/${fd}`));
    } catch {
      /* closed meanwhile */
    }
  }
  return out;
}

/**
 * Deterministic byte mutations of the demo store: a few random bytes anywhere in its first MiB, and
 * in every third one a byte of the magic too (a read-only open tolerates a damaged tree, not that).
 */
function* mutants(base: Buffer, count: number): Generator<Buffer> {
  let seed = 12345;
  const rnd = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  for (let i = 0; i < count; i++) {
    const b = Buffer.from(base);
    for (let k = 1 + Math.floor(rnd() * 8); k > 0; k--) b[Math.floor(rnd() * Math.min(b.length, 1 << 20))] = Math.floor(rnd() * 256);
    if (i % 3 === 0) b[Math.floor(rnd() * 4)]! ^= 1 + Math.floor(rnd() * 255);
    yield b;
  }
}

describe('a failed open registers nothing (point 9)', () => {
  it('corrupt leaves behind a valid header: no ghost session, the file released, the path reusable, `sessions` working', async () => {
    const base = fs.readFileSync(demo.cow);
    const target = path.join(dir, 'victim.cow');
    let failures = 0;
    for (const image of mutants(base, 120)) {
      fs.writeFileSync(target, image);
      const r = await service.call('open', { cow: target, origin: demo.origin });
      if (r.ok) {
        await service.call('close', { session: (r.result as { session: string }).session });
        continue;
      }
      failures++;
      expect(r.error.code, r.error.message).not.toBe('internal');
      expect([...service.context.sessions.values()].map((s) => s.cowPath)).not.toContain(target);
      expect(await service.call('sessions', {})).toMatchObject({ ok: true });
      expect(heldFiles(), 'the failed open left the file open').not.toContain(target);
      // The path is not poisoned: a healthy store copied there opens.
      fs.copyFileSync(demo.cow, target);
      const healthy = await service.call('open', { cow: target, origin: demo.origin });
      expect(healthy, JSON.stringify(healthy)).toMatchObject({ ok: true });
      await service.call('close', { session: (healthy as { result: { session: string } }).result.session });
    }
    expect(failures, 'the mutations made no failing open: the test would prove nothing').toBeGreaterThan(2);
    expect(service.context.sessions.size).toBe(0);
  }, 120_000);
});

describe('one store, one session, whatever path names it (point 10)', () => {
  it('./ segments, a symbolic link and a hard link open the same writable session', async () => {
    const sub = path.join(dir, 'p');
    fs.mkdirSync(sub);
    const pair = persistentPair(sub);
    const link = path.join(dir, 'link.cow');
    const hard = path.join(dir, 'hard.cow');
    fs.symlinkSync(pair.cow, link);
    fs.linkSync(pair.cow, hard);
    const ids = new Set<string>();
    for (const cow of [pair.cow, path.join(sub, '.', 'p.cow'), `${sub}/../p/p.cow`, link, hard]) {
      const r = await service.call('open', { cow, origin: pair.origin, write: true });
      expect(r, cow).toMatchObject({ ok: true });
      ids.add((r as { result: { session: string } }).result.session);
    }
    expect(ids.size).toBe(1);
    expect([...service.context.sessions.values()].filter((s) => s.cowPath === pair.cow || s.originPath === pair.origin)).toHaveLength(1);
    await service.call('close', { session: [...ids][0]! });
  });

  const loopWhy = process.getuid?.() !== 0 ? 'not root' : !fs.existsSync('/dev/loop-control') ? 'no loop devices' : null;
  it.skipIf(loopWhy !== null)(`two device nodes of one block device are one session${loopWhy ? ` (skipped: ${loopWhy})` : ''}`, async () => {
    const sub = path.join(dir, 'b');
    fs.mkdirSync(sub);
    const pair = persistentPair(sub);
    const loop = execFileSync('losetup', ['-f', '--show', pair.cow], { encoding: 'utf8' }).trim();
    try {
      const st = fs.statSync(loop);
      const major = Number((BigInt(st.rdev) >> 8n) & 0xfffn);
      const minor = Number((BigInt(st.rdev) & 0xffn) | ((BigInt(st.rdev) >> 12n) & 0xfff00n));
      const alias = path.join(sub, 'alias'); // a second node for the same device, as udev's links and /dev/block give
      execFileSync('mknod', [alias, 'b', String(major), String(minor)]);
      const nodes = [loop, alias];
      const ids = new Set<string>();
      for (const cow of nodes) {
        const r = await service.call('open', { cow, write: true });
        expect(r, cow).toMatchObject({ ok: true });
        ids.add((r as { result: { session: string } }).result.session);
      }
      expect(ids.size).toBe(1);
      await service.call('close', { session: [...ids][0]! });
    } finally {
      spawnSync('losetup', ['-d', loop]);
    }
  });
});
