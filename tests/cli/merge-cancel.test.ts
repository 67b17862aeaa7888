import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliAsync, cliJson, tempDir } from './cli.ts';

const CB = 4096;
const EPA = CB / 16; // exceptions per metadata area

/**
 * A persistent COW with `areas` full metadata areas, built directly in the kernel's layout (the
 * format is tested elsewhere; here it only has to be big enough that a merge takes several slices).
 * Entry j maps origin chunk j to the j-th data chunk; both files are sparse.
 */
function bigPersistent(dir: string, areas: number): { origin: string; cow: string; exceptions: number } {
  const [origin, cow] = [path.join(dir, 'origin'), path.join(dir, 'cow')];
  const exceptions = areas * EPA;
  fs.writeFileSync(origin, '');
  fs.truncateSync(origin, exceptions * CB);
  const fd = fs.openSync(cow, 'w');
  const header = Buffer.alloc(512);
  header.writeUInt32LE(0x70416e53, 0);
  header.writeUInt32LE(1, 4);
  header.writeUInt32LE(1, 8);
  header.writeUInt32LE(CB / 512, 12);
  fs.writeSync(fd, header, 0, 512, 0);
  for (let a = 0; a < areas; a++) {
    const area = Buffer.alloc(CB);
    for (let k = 0; k < EPA; k++) {
      area.writeBigUInt64LE(BigInt(a * EPA + k), k * 16);
      area.writeBigUInt64LE(BigInt(2 + a * (EPA + 1) + k), k * 16 + 8);
    }
    fs.writeSync(fd, area, 0, CB, (1 + a * (EPA + 1)) * CB);
  }
  fs.ftruncateSync(fd, (2 + areas * (EPA + 1)) * CB); // area `areas` exists and is all zero
  fs.closeSync(fd);
  return { origin, cow, exceptions };
}

describe('merge cancel', () => {
  it('SIGINT stops between runs with a clear message; the next merge finishes it', async () => {
    const { origin, cow, exceptions } = bigPersistent(tempDir(), 128); // 128 MiB of exceptions: 4 merge batches of 32 MiB
    expect(cliJson('info', cow).value.exceptions).toBe(exceptions);
    const child = cliAsync('merge', cow, '--origin', origin, '--json');
    let stdout = '';
    let signalled = false;
    child.stdout.on('data', (d: Buffer) => {
      stdout += String(d);
      // Once a batch is merged (a batch is copied in several steps, so the first progress line may
      // come before any is): the stop then falls between the store's batches, with some merged.
      if (!signalled && /"progress":\{[^}]*"done":[1-9]/.test(stdout)) {
        signalled = true;
        child.kill('SIGINT');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l));
    const last = lines.at(-1);
    expect(code).toBe(130);
    expect(last.error.code).toBe('cancelled');
    expect(last.error.message).toMatch(/consistent.*resumes/);
    const left = cliJson('info', cow).value.exceptions;
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThan(exceptions);

    const resumed = await new Promise<string>((resolve) => {
      const c = cliAsync('merge', cow, '--origin', origin, '--json');
      let out = '';
      c.stdout.on('data', (d: Buffer) => (out += String(d)));
      c.on('close', () => resolve(out));
    });
    expect(JSON.parse(resumed.trim().split('\n').at(-1)!).result.chunks).toBe(left);
    expect(cliJson('info', cow).value.exceptions).toBe(0);
  });
});
