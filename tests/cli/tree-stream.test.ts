/**
 * `tree` streams: it holds one block and the open nodes above it, never the whole tree or its text
 * (issue: 2M exceptions took 2.6 GB). A store of 300 000 exceptions — about 30 MB of text — is
 * printed by a CLI whose JavaScript heap is capped at 64 MiB, in both text and JSON; the JSON
 * parses and holds every exception.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExceptionList } from '../../src-core/ir/exception-list.ts';
import { restore } from '../../src-core/ir/restore.ts';
import { FileDevice } from '../../src-main/host/file-device.ts';
import { ROOT_DIR, tempDir } from './cli.ts';

const EXCEPTIONS = 300_000;
const CB = 512;

describe('tree', () => {
  it('streams a large tree under a 64 MiB heap, as text and as JSON', () => {
    const dir = tempDir();
    const cow = path.join(dir, 'big.cow');
    const chunks = EXCEPTIONS + 40_000;
    fs.writeFileSync(cow, '');
    fs.truncateSync(cow, chunks * CB); // sparse: restore writes metadata only
    const list = new ExceptionList();
    const firstData = 1 + Math.ceil(chunks / 8 / CB);
    for (let i = 0; i < EXCEPTIONS; i++) list.push(i, firstData + i, i % 3 === 0 ? 0b11 : 0b01, 0);
    const dev = FileDevice.open(cow, { write: true });
    try {
      restore(dev, { format: 'shared', chunkBytes: CB, chunkCount: chunks, valid: true, version: 1, snapmask: 0b11n, snapshots: [] }, list);
    } finally {
      dev.close();
    }
    for (const json of [false, true]) {
      const outFile = path.join(dir, json ? 'tree.json' : 'tree.txt');
      const fd = fs.openSync(outFile, 'w');
      const r = spawnSync(process.execPath, ['--max-old-space-size=64', path.join(ROOT_DIR, 'bin/snapscope.mjs'), 'tree', cow, ...(json ? ['--json'] : [])], {
        cwd: ROOT_DIR,
        stdio: ['ignore', fd, 'pipe'],
        encoding: 'utf8',
      });
      fs.closeSync(fd);
      expect(r.status, r.stderr).toBe(0);
      expect(fs.statSync(outFile).size).toBeGreaterThan(json ? 20e6 : 15e6);
      if (json) {
        const tree = JSON.parse(fs.readFileSync(outFile, 'utf8'));
        let n = 0;
        const count = (b: { kind: string; entries?: { child: unknown }[]; origins?: { exceptions: unknown[] }[] }): void => {
          if (b.kind === 'leaf') for (const o of b.origins!) n += o.exceptions.length;
          else for (const e of b.entries!) count(e.child as typeof b);
        };
        count(tree.tree);
        expect(n).toBe(EXCEPTIONS);
      }
    }
  });
});
