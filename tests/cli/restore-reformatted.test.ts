import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { cli, oneLine, tempDir } from './cli.ts';

/**
 * A user edits or reformats a dump with another tool, then restores it: the restore reads the
 * format, not the writer's layout (issue 13.7). A multi-byte name cut by the 1 MiB read buffer
 * survives too.
 */
it('restore takes a dump reformatted (JSON indented, keys sorted; XML attributes reordered) and gives the same store', () => {
  const dir = tempDir();
  const cow = path.join(dir, 'cow.img');
  const origin = path.join(dir, 'origin.img');
  fs.writeFileSync(origin, Buffer.alloc(1 << 20));
  expect(cli('format', cow, '--kind', 'shared', '--size', '1M', '--chunk-size', '4k').code).toBe(0);
  const script = path.join(dir, 'ops.txt');
  fs.writeFileSync(script, 'snap-create één\norigin-write 1 7\norigin-write 5 8\nsnap-create two\norigin-write 1 9\ncommit\n');
  expect(cli('replay', cow, '--origin', origin, '--script', script).code).toBe(0);
  const json = cli('dump', cow).stdout;
  const xml = cli('dump', cow, '--format', 'xml').stdout;
  const sortKeys = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(sortKeys) : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])])) : v;
  // Pad so the name's two-byte 'ë' straddles the reader's 1 MiB buffer boundary.
  const pretty = JSON.stringify(sortKeys(JSON.parse(json)), null, 2);
  const at = pretty.indexOf('één') + 1;
  const padded = `${' '.repeat((1 << 20) - Buffer.byteLength(pretty.slice(0, at)) - 1)}${pretty}`;
  const reordered = xml.replace(/<exception origin="(\d+)" chunk="(\d+)" share="([^"]+)"\/>/g, "<exception share='$3'\n   chunk=\"$2\" origin=\"$1\"></exception>");
  expect(reordered).not.toBe(xml);
  for (const [name, text, form] of [['pretty.json', padded, 'json'], ['reordered.xml', `<?xml version="1.0"?>\n${reordered}`, 'xml']] as const) {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    const fresh = path.join(dir, `${name}.img`);
    const r = cli('restore', fresh, '--dump', file, '--metadata-only');
    expect(r.code, r.stderr).toBe(0);
    expect(cli('dump', fresh, '--format', form).stdout).toBe(form === 'json' ? json : xml);
  }
  const bad = path.join(dir, 'bad.json');
  fs.writeFileSync(bad, json.replace('"valid":true', '"valid":true,\n"bogus":1'));
  const r = cli('restore', path.join(dir, 'never.img'), '--dump', bad, '--metadata-only');
  expect(r.code).not.toBe(0);
  expect(oneLine(r)).toMatch(/bad\.json:2: bogus: no such field in a dump/);
  expect(fs.existsSync(path.join(dir, 'never.img'))).toBe(false);
});
