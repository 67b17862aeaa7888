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

describe('counts agree with their nouns', () => {
  it('info, stats and check of small stores say "1 node", "1 sector", "1 metadata area"', () => {
    const dir = tempDir();
    const origin = path.join(dir, 'origin');
    fs.writeFileSync(origin, Buffer.alloc(65536, 1));
    const shared = path.join(dir, 's.cow');
    const persistent = path.join(dir, 'p.cow');
    expect(cli('format', shared, '--kind', 'shared', '--size', '1M', '--chunk-size', '512').code).toBe(0);
    expect(cli('snapshot', 'create', shared, '--name', 'a').code).toBe(0);
    expect(cli('write', shared, '--origin', origin, '-s', 'origin', '--chunk', 0, '--fill', 2).code).toBe(0);
    expect(cli('format', persistent, '--kind', 'persistent', '--size', '1M', '--chunk-size', '512').code).toBe(0);
    const wrong = /\b1 (levels|nodes|leaves|errors|warnings|runs|sectors|tree blocks|metadata areas)\b/;
    for (const cow of [shared, persistent]) {
      for (const command of ['info', 'stats', 'check']) {
        const r = cli(command, cow);
        expect(r.code, r.stderr).toBe(0);
        expect(r.stdout, `${command} ${cow}`).not.toMatch(wrong);
      }
    }
  });
});
