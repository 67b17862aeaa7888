import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { describeForeignLocks, foreignLocksIn } from '../../src-main/host/access/foreign-locks.ts';
import { openInput } from '../../src-main/host/access/inputs.ts';
import { lockTableName } from '../../src-main/host/access/lock.ts';
import { foreignLock } from '../cli/foreign-lock.ts';
import { tempDir } from './fixtures.ts';

// /proc/locks as the kernel writes it; the file here is "08:01:5678", which no process has open.
const NAME = '08:01:5678';
const TABLE = [
  '1: POSIX  ADVISORY  WRITE 1234 08:01:5678 0 EOF',
  '1: -> POSIX  ADVISORY  WRITE 4321 08:01:5678 0 EOF',
  '2: OFDLCK ADVISORY  READ  -1 08:01:5678 100 101',
  '3: FLOCK  ADVISORY  WRITE 77 08:01:5678 0 EOF',
  '4: POSIX  ADVISORY  READ  55 08:01:5679 0 EOF',
  `5: POSIX  ADVISORY  READ  ${process.pid} 08:01:5678 0 EOF`,
  '6: LEASE  ACTIVE    READ  88 08:01:5678 0 EOF',
  '',
].join('\n');

it("finds the POSIX and OFD locks on the file: not a waiter's, a flock, a lease, another file's or this process's", () => {
  expect(foreignLocksIn(TABLE, NAME, 'any')).toEqual([
    { kind: 'POSIX', write: true, pid: 1234 },
    { kind: 'OFD', write: false, pid: null },
  ]);
  expect(foreignLocksIn(TABLE, NAME, 'write')).toEqual([{ kind: 'POSIX', write: true, pid: 1234 }]);
  expect(foreignLocksIn(TABLE, '08:01:9', 'any')).toEqual([]);
});

it('names each holder once: by its comm and pid, by pid alone, or says an OFD lock has no known holder', () => {
  const gone = 2 ** 22 + 1; // above pid_max: no /proc entry
  expect(describeForeignLocks([{ kind: 'POSIX', write: true, pid: process.pid }, { kind: 'POSIX', write: false, pid: process.pid }])).toMatch(/^\S+ \(pid \d+, POSIX lock\)$/);
  expect(describeForeignLocks([{ kind: 'POSIX', write: true, pid: gone }])).toBe(`pid ${gone} (POSIX lock)`);
  expect(describeForeignLocks([{ kind: 'OFD', write: false, pid: null }, { kind: 'OFD', write: false, pid: null }])).toBe('another process (an OFD lock, holder unknown)');
  expect(describeForeignLocks([])).toBe('another process (a POSIX or OFD lock, not in /proc/locks when looked for)');
});

it("this process's own OFD lock (a writer of ours) is not another program's; another process's is, named by its fdinfo", async () => {
  const dir = tempDir();
  const f = path.join(dir, 'a.img');
  fs.writeFileSync(f, Buffer.alloc(4096));
  const fd = fs.openSync(f, 'r');
  const name = lockTableName(fd);
  fs.closeSync(fd);
  const writer = openInput(f, 'COW', true);
  try {
    const table = fs.readFileSync('/proc/locks', 'latin1');
    expect(table).toMatch(new RegExp(`OFDLCK ADVISORY  WRITE -1 ${name} 0 EOF`));
    expect(foreignLocksIn(table, name, 'any')).toEqual([]);
  } finally {
    writer.dev.close();
  }
  const pid = await foreignLock(f, { kind: 'OFD', type: 'write' });
  expect(foreignLocksIn(fs.readFileSync('/proc/locks', 'latin1'), name, 'write')).toEqual([{ kind: 'OFD', write: true, pid }]);
});

it('each OFD lock is named by its own holder: a reader VM is not named as the writer', async () => {
  const dir = tempDir();
  const f = path.join(dir, 'a.img');
  fs.writeFileSync(f, Buffer.alloc(4096));
  const fd = fs.openSync(f, 'r');
  const name = lockTableName(fd);
  fs.closeSync(fd);
  const reader = await foreignLock(f, { kind: 'OFD', type: 'read', start: 100, len: 2, name: 'vm-reader' });
  const writer = await foreignLock(f, { kind: 'OFD', type: 'write', start: 4000, len: 1, name: 'vm-writer' });
  const table = fs.readFileSync('/proc/locks', 'latin1');
  expect(foreignLocksIn(table, name, 'write')).toEqual([{ kind: 'OFD', write: true, pid: writer }]);
  // In the table's order, which is not the order they were taken in (the kernel keeps a list per CPU).
  const named = describeForeignLocks(foreignLocksIn(table, name, 'any')).split(/(?<=\)), /).sort();
  expect(named).toEqual([`vm-reader (pid ${reader}, OFD lock)`, `vm-writer (pid ${writer}, OFD lock)`]);
});
