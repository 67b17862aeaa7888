import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src-core/api/contract.ts';
import { openStore } from '../../src-core/open.ts';
import { FileDevice } from '../../src-main/host/file-device.ts';
import { inProcess } from '../main/fixtures.ts';
import { cli, oneLine, tempDir } from './cli.ts';
import { guard, ok } from './safety-fixtures.ts';

// One rule for the last, partial origin chunk and past it (src-core/origin-chunks.ts), the
// kernel's: an origin of 10 chunks + 512 bytes has 11 chunks; chunk 10 holds 512 bytes; chunk 11
// does not exist. read, write and the engine (API) say the same.

const CB = 4096;
const ORIGIN_BYTES = 10 * CB + 512;
const PAST = (o: string): string => `origin chunk 11 is past the end of the origin ${o} (11 chunks of 4096 bytes, the last one 512 bytes)`;

function volume(kind: 'shared' | 'persistent'): { dir: string; cow: string; origin: string; snap: string } {
  const dir = tempDir();
  const cow = path.join(dir, 'c.cow');
  const origin = path.join(dir, 'o.img');
  fs.writeFileSync(cow, '');
  fs.truncateSync(cow, 2 << 20);
  fs.writeFileSync(origin, Buffer.alloc(ORIGIN_BYTES).map((_, i) => (i * 7) & 255));
  ok(cli('format', cow, '--kind', kind, '--chunk-size', '4k'));
  if (kind === 'shared') ok(cli('snapshot', 'create', cow, '--name', 'a'));
  return { dir, cow, origin, snap: kind === 'shared' ? 'a' : 'snap' };
}

function readChunk(v: ReturnType<typeof volume>, from: string, chunk: number): { code: number; bytes: Buffer; stderr: string } {
  const out = path.join(v.dir, `read-${from}-${chunk}`);
  fs.rmSync(out, { force: true });
  const r = cli('read', v.cow, '--origin', v.origin, '-s', from, '--chunk', chunk, '--out', out);
  return { code: r.code, bytes: fs.existsSync(out) ? fs.readFileSync(out) : Buffer.alloc(0), stderr: oneLine(r) };
}

describe.each(['shared', 'persistent'] as const)('%s store, origin of 10 chunks + 512 bytes', (kind) => {
  it('read: the partial chunk gives its 512 bytes; chunk 11 is past the end, in the one text', () => {
    const v = volume(kind);
    const tail = fs.readFileSync(v.origin).subarray(10 * CB);
    for (const from of ['origin', v.snap]) {
      const r = readChunk(v, from, 10);
      expect(r.code, r.stderr).toBe(0);
      expect(r.bytes.equals(tail)).toBe(true);
      const past = readChunk(v, from, 11);
      expect(past.code).toBe(1);
      expect(past.stderr).toContain(PAST(v.origin));
    }
  });

  it('write: chunk 11 and bytes past the origin end are refused in the one text, nothing written', () => {
    const v = volume(kind);
    const g = guard(v.cow, v.origin);
    const data = path.join(v.dir, 'd');
    fs.writeFileSync(data, Buffer.alloc(300, 9));
    for (const to of ['origin', v.snap]) {
      const past = cli('write', v.cow, '--origin', v.origin, '-s', to, '--chunk', 11, '--fill', 1);
      expect(past.code).toBe(1);
      expect(oneLine(past)).toContain(`${PAST(v.origin)}; nothing was written`);
      const over = cli('write', v.cow, '--origin', v.origin, '-s', to, '--chunk', 10, '--offset', 256, '--data-file', data);
      expect(over.code).toBe(1);
      expect(oneLine(over)).toContain(`300 bytes at origin chunk 10 + 256 run to byte 556 of it, past the end of the origin ${v.origin} (11 chunks of 4096 bytes, the last one 512 bytes); nothing was written`);
    }
    g.unchanged();
  });

  it('the engine (API readChunk, writeChunk; the store itself) answers the same', async () => {
    const v = volume(kind);
    const { service, client } = inProcess(v.dir);
    try {
      const s = await client.open({ cow: v.cow, origin: v.origin, write: true });
      const data = Buffer.from((await client.readChunk({ session: s.session, from: 'origin', chunk: 10 })).data, 'base64');
      expect(data.equals(fs.readFileSync(v.origin).subarray(10 * CB))).toBe(true);
      for (const call of [client.readChunk({ session: s.session, from: 'origin', chunk: 11 }), client.writeChunk({ session: s.session, to: 'origin', chunk: 11, fill: 1 })]) {
        const e = await call.then(() => null, (x: unknown) => x);
        expect(e).toBeInstanceOf(ApiError);
        expect((e as ApiError).message).toBe(PAST(v.origin));
      }
    } finally {
      await service.dispose();
    }
    const cow = FileDevice.open(v.cow, { write: true });
    const origin = FileDevice.open(v.origin, { write: true });
    try {
      const store = openStore(cow, { write: true });
      expect(() => store.writeOrigin(origin, 11, new Uint8Array(CB))).toThrow(PAST(v.origin));
      store.close();
    } finally {
      cow.close();
      origin.close();
    }
  });
});

it('persistent: the partial chunk is written up to the origin end (the kernel copies it so); a shared store refuses it, saying why', () => {
  const p = volume('persistent');
  ok(cli('write', p.cow, '--origin', p.origin, '-s', 'snap', '--chunk', 10, '--fill', 7));
  expect(readChunk(p, 'snap', 10).bytes.equals(Buffer.alloc(512, 7))).toBe(true);
  expect(fs.statSync(p.origin).size).toBe(ORIGIN_BYTES);
  const s = volume('shared');
  const g = guard(s.cow, s.origin);
  const r = cli('write', s.cow, '--origin', s.origin, '-s', 'a', '--chunk', 10, '--fill', 7);
  expect(r.code).toBe(1);
  expect(oneLine(r)).toContain('origin chunk 10 is the partial last chunk of the origin');
  expect(oneLine(r)).toContain('a shared store copies whole chunks');
  g.unchanged();
});
