import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { XmlTokenizer } from '../../../src-core/ir/parse/xml-tokens.ts';

/**
 * The streaming XML tokenizer against the tree it was written from: elements with attributes of
 * any text, written with either quote, references, comments and line breaks between attributes,
 * cut anywhere, read back as the same tree.
 */

interface Element {
  name: string;
  attrs: [string, string][];
  children: Element[];
}

const name = fc.stringMatching(/^[a-z_][a-z0-9_.-]{0,6}$/);
const element: fc.Arbitrary<Element> = fc.letrec<{ el: Element }>((tie) => ({
  el: fc.record({
    name,
    attrs: fc.uniqueArray(fc.tuple(name, fc.string({ maxLength: 8, unit: 'binary' })), { maxLength: 4, selector: ([k]) => k }),
    children: fc.oneof({ maxDepth: 3, depthIdentifier: 'xml' }, fc.constant<Element[]>([]), fc.array(tie('el'), { maxLength: 3 })),
  }),
})).el;

/** One way of writing the tree: quote, reference style, spacing and comments chosen by `style`. */
function write(e: Element, style: number[], at = { i: 0 }): string {
  const pick = (n: number): number => style[at.i++ % style.length]! % n;
  const escape = (v: string, quote: string): string =>
    [...v]
      .map((c) => {
        if (c === '&' || c === '<' || c === quote || pick(4) === 0) return pick(2) ? `&#${c.codePointAt(0)};` : `&#x${c.codePointAt(0)!.toString(16)};`;
        return c;
      })
      .join('');
  const attrs = e.attrs
    .map(([k, v]) => {
      const q = pick(2) ? '"' : "'";
      return `${pick(3) ? ' ' : '\n  '}${k}${pick(4) ? '' : ' '}=${pick(4) ? '' : ' '}${q}${escape(v, q)}${q}`;
    })
    .join('');
  const gap = (): string => [' ', '\n', '', '<!-- c -->', '\t'][pick(5)]!;
  if (e.children.length === 0 && pick(2)) return `<${e.name}${attrs}${pick(2) ? ' ' : ''}/>`;
  return `<${e.name}${attrs}>${e.children.map((c) => gap() + write(c, style, at)).join('')}${gap()}</${e.name}>`;
}

function read(text: string, pieces: number[]): Element {
  const stack: Element[] = [];
  let root: Element | null = null;
  const t = new XmlTokenizer(
    {
      start: (n, attrs) => {
        const el: Element = { name: n, attrs: [...attrs], children: [] };
        if (stack.length) stack[stack.length - 1]!.children.push(el);
        else root = el;
        stack.push(el);
      },
      end: () => void stack.pop(),
    },
    (why, line) => {
      throw new Error(`${line}: ${why}`);
    },
  );
  let at = 0;
  for (const n of pieces) {
    t.write(text.slice(at, at + n));
    at += n;
  }
  t.write(text.slice(at));
  t.end();
  return root!;
}

/** Attribute order is not information in XML. */
function normal(e: Element): Element {
  return { name: e.name, attrs: [...e.attrs].sort(([a], [b]) => (a < b ? -1 : 1)), children: e.children.map(normal) };
}

describe('the streaming XML tokenizer', () => {
  it('reads any tree as it was written, however it was written and cut', () => {
    fc.assert(
      fc.property(element, fc.array(fc.nat(), { minLength: 1, maxLength: 20 }), fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 80 }), fc.boolean(), (tree, style, pieces, prolog) => {
        const text = `${prolog ? '<?xml version="1.0"?>\n<!-- dump -->\n' : ''}${write(tree, style)}\n`;
        expect(normal(read(text, pieces))).toEqual(normal(tree));
      }),
      { numRuns: 1000 },
    );
  });

  it('refuses what is not well formed, naming the line', () => {
    const refuse = (text: string): string => {
      try {
        read(text, []);
      } catch (e) {
        return (e as Error).message;
      }
      throw new Error(`accepted ${text}`);
    };
    expect(refuse('<a>\n<b></a>')).toBe('2: </a> closes <b>');
    expect(refuse('<a x="1" x="2"/>')).toMatch(/has x twice/);
    expect(refuse('<a x="&bogus;"/>')).toMatch(/bare &/);
    expect(refuse('<a>text</a>')).toMatch(/unexpected text/);
    expect(refuse('<a/><b/>')).toMatch(/after the root element ended/);
    expect(refuse('<a x=1/>')).toMatch(/cannot read/);
    expect(refuse('<!DOCTYPE a><a/>')).toMatch(/DOCTYPE/);
    expect(refuse('<a>\n<b>\n')).toMatch(/^3: .*truncated.*<b> is not closed/);
    expect(refuse('<a x="1')).toMatch(/ends inside a tag/);
  });
});
