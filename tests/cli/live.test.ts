import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cli } from './cli.ts';

// The node may exist (dmsetup's package makes it) where the kernel has no device-mapper.
const dmHere = /device-mapper/.test(fs.readFileSync('/proc/devices', 'utf8'));

/** `ls --live` and `watch` as an admin meets them here; the real-kernel runs are in tests/live. */
describe('the live commands on this machine', () => {
  it.skipIf(dmHere)('ls --live and watch say in one line why there is nothing to list, and exit 1', () => {
    for (const args of [['ls', '--live'], ['watch', '--count', '1']]) {
      const r = cli(...args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/device-mapper is not available|needs root|not installed/);
    }
  });

  it('an unreachable --host is one line naming it and what ssh said', () => {
    for (const args of [['ls', '--live', '--host', 'nobody@127.0.0.1:1'], ['watch', '--count', '1', '--host', 'nobody@127.0.0.1:1']]) {
      const r = cli(...args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toMatch(/^snapscope: nobody@127\.0\.0\.1:1: .*ssh: /);
    }
  });

  it('--host without --live, a COW with --live, and an option as a host are usage errors', () => {
    expect(cli('ls', '--host', 'a@b').code).toBe(2);
    expect(cli('ls', '--live', 'x.cow').code).toBe(2);
    expect(cli('watch', '--host', '-oProxyCommand=id').code).toBe(2);
  });
});
