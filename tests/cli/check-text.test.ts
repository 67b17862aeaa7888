import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, cliJson, tempDir } from './cli.ts';

describe('check output for people', () => {
  it('groups a run of one finding in one chunk into one line with its entries; JSON keeps every finding', () => {
    const dir = tempDir();
    const [cow, origin, script] = ['p.cow', 'o.img', 'ops'].map((f) => path.join(dir, f));
    fs.writeFileSync(origin!, Buffer.alloc(1 << 20));
    expect(cli('format', cow!, '--kind', 'persistent', '--size', '2M').code).toBe(0);
    fs.writeFileSync(script!, Array.from({ length: 100 }, (_, c) => `origin-write ${c} 7`).join('\n'));
    expect(cli('replay', cow!, '--origin', origin!, '--script', script!).code).toBe(0);
    fs.truncateSync(cow!, 200 << 10); // 50 chunks: the data of exceptions 48..99 is gone
    const r = cli('check', cow!);
    expect(r.code).toBe(4);
    expect(r.stdout.split('\n').filter(Boolean)).toEqual([
      'error   p-chunk-out-of-range chunk 1: 52 entries (48–99); the first: new_chunk 50 is past the end of the device (50 chunks; truncated?) (expected < 50, found 50)',
      `${cow}: persistent store, 1 metadata area, 100 exceptions: 52 errors, 0 warnings`,
    ]);
    expect(cliJson('check', cow!).value.findings).toHaveLength(52);
  });
});
