import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS, type Envelope, type SessionDto } from '../../src-core/api/contract.ts';
import { isSnapscopeError } from '../../src-core/errors.ts';
import { FaultDevice } from '../../src-core/io/fault-device.ts';
import { MemoryDevice } from '../../src-core/io/memory-device.ts';
import { restore } from '../../src-core/ir/restore.ts';
import { createBackup } from '../../src-main/host/access/backup-file.ts';
import { EngineHost } from '../../src-main/host/engine-host.ts';
import type { EngineService } from '../../src-main/host/engine-service.ts';
import { FileDevice } from '../../src-main/host/file-device.ts';
import { startServer, type RunningServer } from '../../src-main/server/server.ts';
import { canLoop, loop } from '../cli/safety-fixtures.ts';
import { persistentImage, tableText } from '../core/crash/power-loss.ts';
import { dumpText, parseDump } from '../core/ir/helpers.ts';
import { inProcess, persistentPair, tablePersistent, tempDir } from './fixtures.ts';

/**
 * The UI's sessions know storage by its bytes, as the CLI does (docs/safety.md): an origin and a
 * COW that share bytes through loop devices are refused with the CLI's words; a store opened
 * through its file and through loop devices over all of it is one session; a loop device over
 * part of an open store is refused, saying which bytes. Real loop devices (detached when each test
 * ends), through the engine in process and through the real server (its engine threads, HTTP).
 */
type Call = (method: string, args: unknown) => Promise<Envelope<unknown>>;

const KiB = 1024;

function storageCases(name: string, start: () => Promise<{ call: Call; stop: () => Promise<void> }>): void {
  describe.skipIf(!canLoop)(`${name} (real loop devices)`, () => {
    let call: Call;
    let stop: () => Promise<void> = async () => {};
    beforeAll(async () => ({ call, stop } = await start()));
    afterAll(async () => stop());

    const sessions = async (): Promise<SessionDto[]> => ((await call('sessions', {})) as { result: { sessions: SessionDto[] } }).result.sessions;
    const closeAll = async (): Promise<void> => {
      for (const s of await sessions()) await call('close', { session: s.session });
    };

    it('refuses an origin that shares bytes with the COW, read-only or for writing, saying which bytes', async () => {
      const pair = persistentPair(tempDir());
      const real = fs.realpathSync(pair.cow);
      const overHalf = loop(pair.cow, { offset: 512 * KiB });
      const overAll = loop(pair.cow);
      try {
        for (const write of [false, true]) {
          for (const [origin, bytes] of [[overHalf, '512..1024 KiB'], [overAll, '0..1 MiB']] as const) {
            const r = await call('open', { cow: pair.cow, origin, write });
            expect(r, `${origin} write=${write}`).toMatchObject({
              ok: false,
              error: { code: 'bad-request', message: `the origin ${origin} and the COW ${pair.cow} share bytes ${bytes} of ${real}`, where: { field: 'origin' } },
            });
          }
        }
        expect(await sessions()).toEqual([]);
      } finally {
        await closeAll();
      }
    });

    it('opens a store through its file and through loop devices over all of it as one session', async () => {
      const pair = persistentPair(tempDir());
      const [first, second] = [loop(pair.cow), loop(pair.cow)];
      try {
        const ids = new Set<string>();
        // The file itself opens read-only only: a loop device over it is attached (in-use.ts).
        for (const [cow, write] of [[first, true], [second, true], [pair.cow, false], [first, false]] as const) {
          const r = await call('open', { cow, origin: pair.origin, write });
          expect(r, cow).toMatchObject({ ok: true, result: { cow: first, write: true } });
          ids.add((r as { result: SessionDto }).result.session);
        }
        // Its origin named through a loop device over all of it is the same origin: still the one session.
        const sameOrigin = await call('open', { cow: second, origin: loop(pair.origin) });
        expect(sameOrigin).toMatchObject({ ok: true, result: { cow: first, origin: pair.origin, write: true } });
        ids.add((sameOrigin as { result: SessionDto }).result.session);
        expect(ids.size).toBe(1);
        expect((await sessions()).map((s) => s.session)).toEqual([...ids]);
      } finally {
        await closeAll();
      }
    });

    it('a file whose size is no multiple of 512 and a loop device over all of it (to its last whole sector) are one session; a partial loop is refused', async () => {
      const pair = persistentPair(tempDir(), 4096, (1 << 20) + 100);
      const real = fs.realpathSync(pair.cow);
      const all = loop(pair.cow);
      const part = loop(pair.cow, { sizeLimit: 512 * KiB });
      try {
        const byFile = (await call('open', { cow: pair.cow, origin: pair.origin })) as { result: SessionDto };
        expect(byFile.result.cow).toBe(pair.cow);
        expect(await call('open', { cow: all, origin: pair.origin })).toMatchObject({ ok: true, result: { session: byFile.result.session } });
        expect(await call('open', { cow: part })).toMatchObject({
          ok: false,
          error: { code: 'in-use', message: `${part} and ${pair.cow} (open as session ${byFile.result.session}) share bytes 0..512 KiB of ${real}: close that session first` },
        });
        expect((await sessions()).map((s) => s.session)).toEqual([byFile.result.session]);
      } finally {
        await closeAll();
      }
    });

    it("refuses a COW over an open session's origin, and an origin over an open session's COW, naming the session", async () => {
      const [a, b] = [persistentPair(tempDir()), persistentPair(tempDir())];
      try {
        const open = (await call('open', { cow: a.cow, origin: a.origin })) as { result: SessionDto };
        const s = open.result.session;
        const overOrigin = loop(a.origin);
        const overCow = loop(a.cow, { offset: 512 * KiB });
        for (const write of [false, true]) {
          for (const [cow, said] of [
            [a.origin, `the origin ${a.origin} (open as session ${s}) and the COW ${a.origin} are the same file or device: close that session first`],
            [overOrigin, `the origin ${a.origin} (open as session ${s}) and the COW ${overOrigin} share bytes 0..1 MiB of ${fs.realpathSync(a.origin)}: close that session first`],
          ] as const) {
            expect(await call('open', { cow, write }), `${cow} write=${write}`).toMatchObject({ ok: false, error: { code: 'in-use', message: said } });
          }
          expect(await call('open', { cow: b.cow, origin: overCow, write }), `write=${write}`).toMatchObject({
            ok: false,
            error: { code: 'in-use', message: `the origin ${overCow} and the COW ${a.cow} (open as session ${s}) share bytes 512..1024 KiB of ${fs.realpathSync(a.cow)}: close that session first` },
          });
        }
        // Apart from the other's bytes, it opens as a session of its own.
        expect(await call('open', { cow: b.cow, origin: b.origin })).toMatchObject({ ok: true, result: { cow: b.cow } });
        expect(await sessions()).toHaveLength(2);
      } finally {
        await closeAll();
      }
    });

    it('refuses a loop device over part of an open store, naming the session and the shared bytes', async () => {
      const pair = persistentPair(tempDir());
      const real = fs.realpathSync(pair.cow);
      const part = loop(pair.cow, { sizeLimit: 512 * KiB });
      try {
        const open = (await call('open', { cow: pair.cow })) as { result: SessionDto };
        expect(open.result.cow).toBe(pair.cow);
        for (const write of [false, true]) {
          const r = await call('open', { cow: part, write });
          expect(r, `write=${write}`).toMatchObject({
            ok: false,
            error: { code: 'in-use', message: `${part} and ${pair.cow} (open as session ${open.result.session}) share bytes 0..512 KiB of ${real}: close that session first` },
          });
        }
        expect((await sessions()).map((s) => s.session)).toEqual([open.result.session]);
      } finally {
        await closeAll();
      }
    });
  });
}

storageCases('the engine in process', async () => {
  const dir = tempDir();
  const service: EngineService = inProcess(path.join(dir, 'data')).service;
  return { call: (m, a) => service.call(m as never, a), stop: () => service.dispose() };
});

storageCases('the real server', async () => {
  const dir = tempDir();
  process.env['XDG_DATA_HOME'] = dir;
  const server: RunningServer = await startServer({ buildUi: false, uiDir: dir, runtimeDir: `${dir}/run`, log: () => {} });
  const call: Call = async (method, args) =>
    (await (
      await fetch(`http://127.0.0.1:${server.port}${CHANNELS.httpCall}${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${server.token}` },
        body: JSON.stringify(args),
      })
    ).json()) as Envelope<unknown>;
  return { call, stop: () => server.close() };
});

describe.skipIf(!canLoop)('engine threads: a store still being opened (real loop devices)', () => {
  it("refuses a loop device over part of its bytes while its open scan runs, before any thread", async () => {
    const dir = tempDir();
    const big = tablePersistent(dir, 2_000_000); // its open scan is one synchronous call of ~0.5 s or more
    const part = loop(big, { sizeLimit: 1 << 20 });
    const host = new EngineHost({ mode: 'local', version: 'test', dataDir: dir, helper: { launcher: null, note: null } });
    try {
      const scanning = new Promise<void>((resolve) => host.subscribe((e) => e.type === 'job' && e.job.kind === 'open' && e.job.progress.phase === 'scan' && resolve()));
      const job = (await host.call('openStart', { cow: big })) as { result: { id: string } };
      await scanning;
      const threads = host.threads;
      expect(await host.call('open', { cow: part })).toMatchObject({
        ok: false,
        error: { code: 'in-use', message: `${part} and ${big} (being opened) share bytes 0..1 MiB of ${fs.realpathSync(big)}: wait for that open, then close it` },
      });
      expect(host.threads).toBe(threads);
      await host.call('jobCancel', { job: job.result.id });
      await host.call('jobWait', { job: job.result.id });
    } finally {
      await host.dispose();
    }
  }, 60_000);
});

/**
 * An in-place restore of the store in `file`, through the name `via` gives it, stopped after a few
 * writes: the store is marked, its backup names the image whose bytes it saved.
 */
function interruptedThrough(file: string, via: string): void {
  const dump = parseDump(dumpText(image(0)));
  const backup = createBackup(`${file}.snapscope-backup`, via);
  const dev = FileDevice.open(via, { write: true });
  try {
    restore(new FaultDevice(backup.wrap(dev), { crashAtWrite: 3 }), dump.header, dump.source, { undo: backup.undo });
    throw new Error('the restore was not interrupted');
  } catch (e) {
    if (!isSnapscopeError(e) || e.code !== 'crashed') throw e;
  } finally {
    dev.close();
    backup.close();
  }
}
const image = (variant: number) => persistentImage({ chunkBytes: 4096, cowChunks: 1200, originChunks: 1000, exceptions: 600 + 200 * variant, stride: 7 + 2 * variant });
const tableOf = (file: string): string => tableText(new MemoryDevice(new Uint8Array(fs.readFileSync(file)), 'cow'));

describe.skipIf(!canLoop)('an interrupted in-place rewrite is undone through any name of the same bytes (real loop devices)', () => {
  let service: EngineService;
  beforeAll(() => (service = inProcess(path.join(tempDir(), 'data')).service));
  afterAll(async () => service?.dispose());

  const openToWrite = async (cow: string): Promise<void> => {
    const r = await service.call('open', { cow, write: true });
    expect(r, `${cow}: ${JSON.stringify(r)}`).toMatchObject({ ok: true, result: { write: true } });
    await service.call('close', { session: (r as { result: SessionDto }).result.session });
  };

  it('made through the image file, undone by an open of a loop device over all of it', async () => {
    const file = path.join(tempDir(), 'cow.img');
    fs.writeFileSync(file, image(1).bytes);
    interruptedThrough(file, file);
    await openToWrite(loop(file));
    expect(tableOf(file)).toBe(tableText(image(1)));
  });

  it('made through a loop device over all of the image, undone by an open of the image file', async () => {
    const file = path.join(tempDir(), 'cow.img');
    fs.writeFileSync(file, image(1).bytes);
    const dev = execFileSync('losetup', ['-f', '--show', file], { encoding: 'utf8' }).trim();
    try {
      interruptedThrough(file, dev);
    } finally {
      execFileSync('losetup', ['-d', dev]); // attached, the image could not be opened for writing
    }
    await openToWrite(file);
    expect(tableOf(file)).toBe(tableText(image(1)));
  });
});
