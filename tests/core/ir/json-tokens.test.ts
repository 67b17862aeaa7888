import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonTokenizer, type JsonListener } from '../../../src-core/ir/parse/json-tokens.ts';

/** The streaming tokenizer against JSON.parse as the model: same values, same accept/refuse. */

class Rebuild implements JsonListener {
  result: unknown;
  private readonly stack: (unknown[] | Record<string, unknown>)[] = [];
  private readonly keys: (string | null)[] = [];
  open(kind: 'object' | 'array'): void {
    const v = kind === 'object' ? {} : [];
    this.put(v);
    this.stack.push(v);
    this.keys.push(null);
  }
  close(): void {
    this.stack.pop();
    this.keys.pop();
  }
  key(name: string): void {
    this.keys[this.keys.length - 1] = name;
  }
  value(v: unknown): void {
    this.put(v);
  }
  private put(v: unknown): void {
    const into = this.stack[this.stack.length - 1];
    if (!into) this.result = v;
    else if (Array.isArray(into)) into.push(v);
    else Object.defineProperty(into, this.keys[this.keys.length - 1]!, { value: v, enumerable: true, writable: true, configurable: true });
  }
}

class NotJson extends Error {}

function tokenize(text: string, cuts: number[]): unknown {
  const r = new Rebuild();
  const t = new JsonTokenizer(r, (why, line) => {
    throw new NotJson(`${line}: ${why}`);
  });
  let at = 0;
  for (const n of cuts) {
    t.write(text.slice(at, at + n));
    at += n;
  }
  t.write(text.slice(at));
  t.end();
  return r.result;
}

const cuts = fc.array(fc.integer({ min: 0, max: 12 }), { maxLength: 60 });

describe('the streaming JSON tokenizer', () => {
  it('rebuilds any JSON document cut anywhere exactly as JSON.parse reads it', () => {
    fc.assert(
      fc.property(fc.json(), fc.boolean(), cuts, (text, pretty, pieces) => {
        const doc = pretty ? JSON.stringify(JSON.parse(text), null, 2) : text;
        expect(tokenize(doc, pieces)).toEqual(JSON.parse(doc));
      }),
      { numRuns: 1000 },
    );
  });

  it('refuses exactly what JSON.parse refuses', () => {
    const nearJson = fc.oneof(
      fc.json().chain((t) => fc.tuple(fc.constant(t), fc.nat(t.length), fc.nat(3), fc.constantFrom('', ',', ']', '}', '"', '\\', ':', '0', '-', 'e', '.', ' ', 'tru', '\u0001', '{', '['))).map(([t, at, cut, ins]) => t.slice(0, at) + ins + t.slice(at + cut)),
      fc.string({ maxLength: 12 }),
    );
    fc.assert(
      fc.property(nearJson, cuts, (text, pieces) => {
        let model: 'ok' | 'refused' = 'ok';
        try {
          JSON.parse(text);
        } catch {
          model = 'refused';
        }
        let got: 'ok' | 'refused' = 'ok';
        try {
          tokenize(text, pieces);
        } catch (e) {
          if (!(e instanceof NotJson)) throw e;
          got = 'refused';
        }
        expect(got, JSON.stringify(text)).toBe(model);
      }),
      { numRuns: 3000 },
    );
  });
});
