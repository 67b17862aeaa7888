import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, oneLine, tempDir } from './cli.ts';

describe('an error line names each place once', () => {
  it('a finding thrown by a writer or tree: its (device, chunk, field) is not repeated after it', () => {
    const dir = tempDir();
    expect(cli('demo', dir).code).toBe(0);
    const cow = path.join(dir, 'shared.cow');
    // Cut the image: the header's chunk count is past the end of the device.
    fs.truncateSync(cow, 100_000);
    for (const argv of [['tree', cow], ['snapshot', 'rename', cow, '-s', '0', '--name', 'x']]) {
      const line = oneLine(cli(...argv));
      expect(line).toMatch(/chunk 0/);
      expect(line.match(/chunk 0\b/g)?.length, line).toBe(1);
      expect(line.match(/field chunk_count/g)?.length, line).toBe(1);
    }
  });
});
