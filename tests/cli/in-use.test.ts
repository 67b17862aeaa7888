import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { cli, oneLine, sha256, tempDir, writeOrigin } from './cli.ts';

/** Attaching loop devices needs root; elsewhere the test says why it did not run. */
const isRoot = process.getuid?.() === 0 && canLoop();

function canLoop(): boolean {
  try {
    execFileSync('losetup', ['--version'], { stdio: 'ignore' });
    return fs.existsSync('/dev/loop-control');
  } catch {
    return false;
  }
}

describe('in-use refusal', () => {
  it.skipIf(!isRoot)('writes refuse a COW or origin attached to a loop device; reads allow it', () => {
    const dir = tempDir();
    const [origin, cow, script] = [path.join(dir, 'origin.img'), path.join(dir, 'p.cow'), path.join(dir, 's')];
    writeOrigin(origin, 1 << 20, 4096);
    expect(cli('format', cow, '--kind', 'persistent', '--size', '1M').code).toBe(0);
    expect(cli('write', cow, '--origin', origin, '-s', 'origin', '--chunk', '1', '--fill', '7').code).toBe(0);
    fs.writeFileSync(script, 'origin-write 2 8\n');
    // Detach exactly what this test attached (other tests use loop devices concurrently).
    const attach = (file: string): { dev: string; detach(): void } => {
      const dev = execFileSync('losetup', ['-f', '--show', file], { encoding: 'utf8' }).trim();
      let attached = true;
      const detach = (): void => {
        if (attached) execFileSync('losetup', ['-d', dev]);
        attached = false;
      };
      onTestFinished(detach);
      return { dev, detach };
    };
    const cowLoop = attach(cow);
    const loop = cowLoop.dev;
    const hashes = [sha256(origin), sha256(cow)];
    for (const argv of [
      ['write', cow, '--origin', origin, '-s', 'origin', '--chunk', '3', '--fill', '1'],
      ['replay', cow, '--origin', origin, '--script', script],
      ['merge', cow, '--origin', origin],
      ['merge', cow, '--origin', origin, '--dry-run'],
      ['format', cow, '--kind', 'persistent', '--force'],
    ]) {
      const r = cli(...argv);
      expect(r.code, argv.join(' ')).toBe(1);
      expect(oneLine(r)).toContain(`attached to ${loop}`);
    }
    expect([sha256(origin), sha256(cow)]).toEqual(hashes);
    expect(cli('info', cow).code).toBe(0);
    expect(cli('read', cow, '--origin', origin, '-s', 'snap', '--out', path.join(dir, 'v')).code).toBe(0);

    cowLoop.detach();
    const originLoop = attach(origin).dev;
    const r = cli('write', cow, '--origin', origin, '-s', 'snap', '--chunk', '3', '--fill', '1');
    expect(r.code).toBe(0); // a snapshot write only reads the origin
    expect(oneLine(cli('write', cow, '--origin', origin, '-s', 'origin', '--chunk', '3', '--fill', '1'))).toContain(`origin ${origin} is in use (attached to ${originLoop})`);
  });

  it.runIf(!isRoot)('is skipped: attaching loop devices needs root', () => {
    console.warn('in-use test skipped: not root (losetup needs root)');
  });
});
