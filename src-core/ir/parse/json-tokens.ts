/**
 * A streaming JSON tokenizer: text goes in as pieces of any size (cut anywhere), structure comes
 * out as events, so a document of any size is read in memory bounded by its largest token. It
 * checks the whole grammar (RFC 8259); what the values mean is the listener's business.
 */

export type JsonScalar = string | number | boolean | null;

export interface JsonListener {
  open(kind: 'object' | 'array'): void;
  /** Closes the innermost object or array. */
  close(): void;
  key(name: string): void;
  value(v: JsonScalar): void;
}

/** Why the text is not JSON, and the line it happened on (1-based). */
export type Fail = (why: string, line: number) => never;

const OBJECT = 0;
const ARRAY = 1;
/** What may come next. */
const enum Next {
  Value,
  ValueOrClose,
  Key,
  KeyOrClose,
  Colon,
  CommaOrClose,
  Done,
}

const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
/** No document this program reads has a longer token (a name, a number): more is not JSON it wrote. */
const MAX_TOKEN = 1 << 20;
const MAX_DEPTH = 64;

export class JsonTokenizer {
  private carry = '';
  private line = 1;
  private readonly stack: number[] = [];
  private next = Next.Value;

  constructor(
    private readonly listener: JsonListener,
    private readonly fail: Fail,
  ) {}

  /** The line the tokenizer is on: the current token's while a listener runs. */
  get lineNumber(): number {
    return this.line;
  }

  write(piece: string): void {
    this.scan(this.carry ? this.carry + piece : piece, false);
  }

  /** After the last piece: the document must be complete. */
  end(): void {
    this.scan(this.carry, true);
    if (this.next !== Next.Done) this.fail('the text ends early (truncated?)', this.line);
  }

  private scan(text: string, final: boolean): void {
    const n = text.length;
    let i = 0;
    for (;;) {
      while (i < n) {
        const c = text.charCodeAt(i);
        if (c === 0x0a) this.line++;
        else if (c !== 0x20 && c !== 0x09 && c !== 0x0d) break;
        i++;
      }
      if (i >= n) break;
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        const end = stringEnd(text, i);
        if (end === -2) this.fail('a control character inside a string (escape it)', this.line);
        if (end < 0) break;
        const raw = text.slice(i + 1, end - 1);
        this.string(raw.includes('\\') ? this.unescape(text.slice(i, end)) : raw);
        i = end;
        continue;
      }
      if (c === 0x2d || (c >= 0x30 && c <= 0x39) || isLetter(c)) {
        let j = i + 1;
        while (j < n && isWordChar(text.charCodeAt(j))) j++;
        if (j === n && !final) break;
        this.word(text.slice(i, j));
        i = j;
        continue;
      }
      this.punct(c, text[i]!);
      i++;
    }
    this.carry = i < n ? text.slice(i) : '';
    if (this.carry.length > MAX_TOKEN) this.fail(`a token longer than ${MAX_TOKEN} characters`, this.line);
    if (final && this.carry) this.fail('the text ends inside a string (truncated?)', this.line);
  }

  private unescape(literal: string): string {
    try {
      return JSON.parse(literal) as string;
    } catch {
      return this.fail(`a bad escape in the string ${literal.slice(0, 40)}`, this.line);
    }
  }

  private string(s: string): void {
    if (this.next === Next.Key || this.next === Next.KeyOrClose) {
      this.listener.key(s);
      this.next = Next.Colon;
      return;
    }
    this.valueStarts('a string');
    this.listener.value(s);
    this.afterValue();
  }

  private word(w: string): void {
    let v: JsonScalar;
    if (w === 'true') v = true;
    else if (w === 'false') v = false;
    else if (w === 'null') v = null;
    else if (isPlainInteger(w) || NUMBER.test(w)) v = Number(w);
    else return this.fail(`${JSON.stringify(w.slice(0, 40))} is not a JSON value`, this.line);
    this.valueStarts(w.slice(0, 40));
    this.listener.value(v);
    this.afterValue();
  }

  private punct(c: number, ch: string): void {
    const top = this.stack[this.stack.length - 1];
    switch (ch) {
      case '{':
      case '[':
        this.valueStarts(ch);
        if (this.stack.length === MAX_DEPTH) this.fail(`nested deeper than ${MAX_DEPTH}`, this.line);
        this.stack.push(ch === '{' ? OBJECT : ARRAY);
        this.next = ch === '{' ? Next.KeyOrClose : Next.ValueOrClose;
        this.listener.open(ch === '{' ? 'object' : 'array');
        return;
      case '}':
      case ']': {
        const want = ch === '}' ? OBJECT : ARRAY;
        const may = want === OBJECT ? Next.KeyOrClose : Next.ValueOrClose;
        if (top !== want || (this.next !== may && this.next !== Next.CommaOrClose)) this.unexpected(ch);
        this.stack.pop();
        this.listener.close();
        this.afterValue();
        return;
      }
      case ',':
        if (this.next !== Next.CommaOrClose) this.unexpected(ch);
        this.next = top === OBJECT ? Next.Key : Next.Value;
        return;
      case ':':
        if (this.next !== Next.Colon) this.unexpected(ch);
        this.next = Next.Value;
        return;
      default:
        this.fail(`unexpected character ${JSON.stringify(ch)} (code ${c})`, this.line);
    }
  }

  private valueStarts(what: string): void {
    if (this.next !== Next.Value && this.next !== Next.ValueOrClose) this.unexpected(what);
  }

  private afterValue(): void {
    this.next = this.stack.length === 0 ? Next.Done : Next.CommaOrClose;
  }

  private unexpected(what: string): never {
    const expected = ['a value', 'a value or ]', 'a "key"', 'a "key" or }', 'a colon', 'a comma or a closing bracket', 'the end of the text'][this.next];
    return this.fail(`expected ${expected}, found ${what}`, this.line);
  }
}

/** Index just past the string starting at `i`, -1 when the text ends first, -2 for a raw control character. */
function stringEnd(text: string, i: number): number {
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 0x22) return j + 1;
    if (c === 0x5c) j++;
    else if (c < 0x20) return -2;
  }
  return -1;
}

function isLetter(c: number): boolean {
  return c >= 0x61 && c <= 0x7a;
}

/** Characters of a number or a literal (the grammar is checked on the whole word). */
function isWordChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x2e || c === 0x2b || c === 0x2d;
}

/** Digits without a leading zero (the exceptions' numbers): JSON without the regex. */
function isPlainInteger(w: string): boolean {
  if (w.length > 15 || (w.charCodeAt(0) === 0x30 && w.length > 1)) return false;
  for (let i = 0; i < w.length; i++) {
    const c = w.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}
