import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { RecentList } from '../../src-main/host/recent.ts';
import { canLoop, loop } from '../cli/safety-fixtures.ts';
import { tempDir } from './fixtures.ts';

// The UI's recent stores: one entry per store, whatever path opened it, under the path used last.

const entry = (cow: string, openedAt: number) => ({ cow, origin: null, format: 'shared' as const, openedAt });

function image(dir: string, name: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, Buffer.alloc(1 << 20, name.length));
  return file;
}

it('a store opened through a file and a symlink to it is listed once, under the path used last; other stores and missing paths stay', () => {
  const dir = tempDir();
  const recent = RecentList.in(path.join(dir, 'data'));
  const [a, b] = [image(dir, 'a.img'), image(dir, 'bb.img')];
  const link = path.join(dir, 'a-link.img');
  fs.symlinkSync(a, link);
  const gone = path.join(dir, 'gone.img');
  recent.add(entry(gone, 1));
  recent.add(entry(a, 2));
  recent.add(entry(b, 3));
  recent.add(entry(link, 4));
  expect(recent.list().map((r) => r.cow)).toEqual([link, b, gone]);
  recent.add(entry(a, 5));
  expect(recent.list().map((r) => [r.cow, r.openedAt])).toEqual([[a, 5], [b, 3], [gone, 1]]);
  recent.add(entry(gone, 6)); // the same text still counts once
  expect(recent.list().map((r) => r.cow)).toEqual([gone, a, b]);
});

it.skipIf(!canLoop)('a store opened through a loop device over all of its file, and through the file, is listed once (needs root)', () => {
  const dir = tempDir();
  const recent = RecentList.in(path.join(dir, 'data'));
  const file = image(dir, 'store.img');
  const dev = loop(file);
  const part = loop(file, { sizeLimit: 512 * 1024 }); // half of it: another store
  recent.add(entry(file, 1));
  recent.add(entry(dev, 2));
  expect(recent.list().map((r) => r.cow)).toEqual([dev]);
  recent.add(entry(part, 3));
  recent.add(entry(file, 4));
  expect(recent.list().map((r) => r.cow)).toEqual([file, part]);
});
