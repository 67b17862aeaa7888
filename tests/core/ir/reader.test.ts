import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSnapscopeError } from '../../../src-core/errors.ts';
import type { DumpHeader } from '../../../src-core/ir/model.ts';
import { DumpReader } from '../../../src-core/ir/reader.ts';
import { persistentCow } from '../check/persistent-fixtures.ts';
import { sharedCow } from '../check/shared-fixtures.ts';
import { dumpText } from './helpers.ts';

/**
 * The dump reader is a streaming parser: a dump reformatted by another tool, cut into pieces
 * anywhere, reads as the same header and exceptions; anything else is one 'usage' error naming
 * the line, never a crash.
 */

interface Read {
  header: DumpHeader;
  exceptions: number[][];
}

function read(text: string, pieces: number[] = [text.length]): Read {
  const exceptions: number[][] = [];
  const r = new DumpReader('d', (o, c, lo, hi) => exceptions.push([o, c, lo, hi]));
  let at = 0;
  for (const n of pieces) {
    r.write(text.slice(at, at + n));
    at += n;
  }
  r.write(text.slice(at));
  return { header: r.finish(), exceptions };
}

function refusal(text: string): string {
  try {
    read(text);
  } catch (e) {
    if (isSnapscopeError(e) && e.code === 'usage') return e.message;
    throw e;
  }
  throw new Error(`accepted: ${text.slice(0, 80)}`);
}

/** A shared dump with a merge, a part-way delete and odd names, and a persistent one. */
function dumps(format: 'json' | 'xml'): string[] {
  const { cow } = sharedCow(3, 40);
  return [dumpText(cow, format), dumpText(persistentCow(70), format)];
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
  return v;
}

const hasJq = (() => {
  try {
    execFileSync('jq', ['--version']);
    return true;
  } catch {
    return false;
  }
})();

describe('reading a dump', () => {
  it('JSON reformatted (indented, one line, keys sorted so exceptions come before the header) reads the same', () => {
    for (const text of dumps('json')) {
      const want = read(text);
      expect(want.exceptions.length).toBeGreaterThan(0);
      const doc = JSON.parse(text) as unknown;
      for (const form of [JSON.stringify(doc, null, 2), JSON.stringify(doc), JSON.stringify(sortKeys(doc), null, '\t'), text.replaceAll('\n', '\r\n')]) {
        expect(read(form)).toEqual(want);
      }
    }
  });

  it.skipIf(!hasJq)('a dump passed through jq (., -c, -S) restores the same', () => {
    for (const text of dumps('json')) {
      const want = read(text);
      for (const args of [['.'], ['-c', '.'], ['-S', '.']]) expect(read(execFileSync('jq', args, { input: text, encoding: 'utf8' }))).toEqual(want);
    }
  });

  it('XML with attributes reordered, either quote, a declaration, comments, tags over lines and explicit end tags reads the same', () => {
    for (const text of dumps('xml')) {
      const want = read(text);
      const reordered = text
        .replace(/<(\w+) ([^>]*?)(\/?)>/g, (_, name: string, attrs: string, slash: string) => `<${name}\n    ${attrs.split(/ (?=\w+=")/).reverse().join('  ')}${slash}>`)
        .replace(/<exception([^>]*)\/>/g, "<exception$1></exception>")
        .replace(/share="([^"]*)"/g, "share='$1'");
      expect(reordered).not.toBe(text);
      const decorated = `<?xml version="1.0" encoding="UTF-8"?>\n<!-- made by hand -->\n${reordered.replace('>\n', '>\n<!-- a note -->\n')}<!-- end -->\n`;
      expect(read(decorated)).toEqual(want);
    }
  });

  it('a dump cut into pieces anywhere reads the same', () => {
    const texts = [...dumps('json'), ...dumps('xml')];
    const wants = texts.map((t) => read(t));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: texts.length - 1 }), fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 400 }), (i, pieces) => {
        expect(read(texts[i]!, pieces)).toEqual(wants[i]);
      }),
      { numRuns: 200 },
    );
  });

  it('names with markup, control characters and lone surrogates come back from XML and JSON', () => {
    const header = '{"snapscope_dump":1,"format":"shared","chunk_bytes":512,"chunk_count":64,"valid":true,"version":1,"snapmask":"0x1","snapshots":[{"slot":0,"name":"a<&\\"\'>\\u0001\\ud800","uuid":"u","created":0}],"exceptions":[]}';
    const name = read(header).header.snapshots[0]!.name;
    expect(name).toBe('a<&"\'>\u0001\ud800');
    const xml = `<snapscope_dump version="1" format="shared" chunk_bytes="512" chunk_count="64" valid="1" store_version="1" snapmask="0x1"><snapshot slot="0" name="a&lt;&#38;&quot;&apos;&gt;&#1;&#55296;" uuid="u" created="0"/></snapscope_dump>`;
    expect(read(xml).header.snapshots[0]!.name).toBe(name);
  });

  it('what is not a dump is one usage error naming the line', () => {
    const [json] = dumps('json');
    const [xml] = dumps('xml');
    const lines = json!.split('\n');
    expect(refusal(lines.slice(0, 5).join('\n'))).toMatch(/^d:5: .*truncated/);
    expect(refusal(json!.replace('[0,', '[0,,'))).toMatch(/^d:\d+: expected a value/);
    expect(refusal(json!.replace(',"0x', ',"1x'))).toMatch(/^d:3: share "1x.*is not 0x-hex/);
    expect(refusal(json!.replace('"snapmask":"0x', '"snapmask":"1x'))).toMatch(/^d:1: snapmask is not 0x-hex/);
    expect(refusal(json!.replace('"valid":true', '"valid":true,"extra":1'))).toMatch(/^d:1: extra: no such field/);
    expect(refusal(json!.replace('"valid":true', '"valid":"yes"'))).toMatch(/valid is not true or false/);
    expect(refusal(json!.replace(/\[(\d+),(\d+),("0x[0-9a-f]+")\]/, '[$1,$2]'))).toMatch(/^d:3: an exception is \[origin, chunk, "0xshare"\], not 2 items/);
    expect(refusal(json!.replace('"chunkBytes":', '"chunkBytes":-'))).toMatch(/chunkBytes is not a non-negative integer/);
    // Version 1 spelled its header keys in snake_case; one dump uses one spelling, matching its version.
    const v1 = json!.replace('"snapscopeDump":2', '"snapscope_dump":1').replace('"chunkBytes"', '"chunk_bytes"').replace('"chunkCount"', '"chunk_count"');
    expect(read(v1)).toEqual(read(json!));
    expect(refusal(v1.replace('"chunk_bytes":', '"chunk_bytes":-'))).toMatch(/chunk_bytes is not a non-negative integer/);
    expect(refusal(json!.replace('"chunkCount"', '"chunk_count"'))).toMatch(/^d:1: chunk_count: the header mixes version 1's snake_case keys and version 2's camelCase ones/);
    expect(refusal(json!.replace('"snapscopeDump":2', '"snapscopeDump":1'))).toMatch(/a version-1 dump spells its header keys in snake_case/);
    expect(refusal(`${json}{}`)).toMatch(/expected the end of the text/);
    expect(refusal('hello')).toMatch(/^d:1: not a snapscope dump/);
    expect(refusal(json!.replace('"slot":0,', '"slot":0,"slot":1,'))).toMatch(/^d:1: snapshots: slot appears twice/);
    expect(read(`\uFEFF${json}`)).toEqual(read(json!));
    expect(refusal('')).toMatch(/empty/);
    const firstException = xml!.split('\n').findIndex((l) => l.includes('<exception')) + 1;
    expect(refusal(xml!.replace('<exception ', '<exception bogus="1" '))).toMatch(new RegExp(`^d:${firstException}: <exception> bogus: no such attribute`));
    expect(refusal(xml!.replace('</snapscope_dump>', ''))).toMatch(/truncated.*<snapscope_dump> is not closed/);
    expect(refusal(xml!.replace('origin="', 'origin="x'))).toMatch(/origin="x.*is not a non-negative integer/);
    expect(refusal(xml!.replace('<exception ', 'text<exception '))).toMatch(/unexpected text/);
  });

  it('any mangled dump is read or refused with a usage error, never a crash', () => {
    const texts = [...dumps('json'), ...dumps('xml')];
    fc.assert(
      fc.property(fc.integer({ min: 0, max: texts.length - 1 }), fc.nat(), fc.string({ maxLength: 3 }), fc.nat({ max: 3 }), (i, at, insert, cut) => {
        const t = texts[i]!;
        const p = at % (t.length + 1);
        try {
          read(t.slice(0, p) + insert + t.slice(p + cut));
        } catch (e) {
          expect(isSnapscopeError(e) && e.code === 'usage', String(e)).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
