/**
 * A streaming tokenizer for the XML that holds data in attributes (as thin_dump's and ours do):
 * elements with attributes in any order, either quote, references (&lt; &#N; &#xH;) decoded,
 * whitespace between elements, comments, the XML declaration and processing instructions
 * skipped. Text pieces of any size go in; start and end tags come out, checked to nest. Text
 * content, CDATA and DOCTYPE are not data here and are refused.
 */
import type { Fail } from './json-tokens.ts';

export interface XmlListener {
  /** Attributes by name, in no particular order. */
  start(name: string, attrs: Map<string, string>): void;
  end(name: string): void;
}

const NAME = /[A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?/y;
const ATTR = /\s+([A-Za-z_][\w.:-]*)\s*=\s*(?:"([^"<]*)"|'([^'<]*)')/y;
const REFERENCE = /&(?:#(\d{1,7})|#x([0-9a-fA-F]{1,6})|(lt|gt|amp|quot|apos));/g;
const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
/** No tag this program reads is longer: more is not XML it wrote. */
const MAX_TOKEN = 1 << 20;
const MAX_DEPTH = 64;

export class XmlTokenizer {
  private carry = '';
  private line = 1;
  private readonly open: string[] = [];
  private rootSeen = false;

  constructor(
    private readonly listener: XmlListener,
    private readonly fail: Fail,
  ) {}

  /** The line of the tag being reported while a listener runs. */
  get lineNumber(): number {
    return this.line;
  }

  write(piece: string): void {
    this.scan(this.carry ? this.carry + piece : piece);
  }

  /** After the last piece: every element must be closed. */
  end(): void {
    if (this.carry.trim()) this.fail('the text ends inside a tag (truncated?)', this.line);
    if (!this.rootSeen || this.open.length) this.fail(`the text ends early (truncated?)${this.open.length ? `: <${this.open[this.open.length - 1]}> is not closed` : ''}`, this.line);
  }

  private scan(text: string): void {
    const n = text.length;
    let i = 0;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x0a) {
        this.line++;
        i++;
        continue;
      }
      if (c === 0x20 || c === 0x09 || c === 0x0d) {
        i++;
        continue;
      }
      if (c !== 0x3c) this.fail(`unexpected text ${JSON.stringify(text.slice(i, i + 40).split('\n')[0])} (the data is in attributes)`, this.line);
      const end = this.markupEnd(text, i);
      if (end < 0) break;
      this.markup(text.slice(i, end));
      i = end;
    }
    this.carry = i < n ? text.slice(i) : '';
    if (this.carry.length > MAX_TOKEN) this.fail(`a tag longer than ${MAX_TOKEN} characters`, this.line);
  }

  /** Index just past the markup starting at `i` ('<'), or -1 when the text ends first. */
  private markupEnd(text: string, i: number): number {
    if (text.startsWith('<!--', i)) {
      const e = text.indexOf('-->', i + 4);
      return e < 0 ? -1 : e + 3;
    }
    if (text.startsWith('<?', i)) {
      const e = text.indexOf('?>', i + 2);
      return e < 0 ? -1 : e + 2;
    }
    // A tag (or a comment's start cut short: no '>' yet); '>' may sit inside a quoted attribute value.
    let quote = 0;
    for (let j = i + 1; j < text.length; j++) {
      const c = text.charCodeAt(j);
      if (quote) {
        if (c === quote) quote = 0;
      } else if (c === 0x22 || c === 0x27) quote = c;
      else if (c === 0x3e) return j + 1;
    }
    return -1;
  }

  private markup(m: string): void {
    const startLine = this.line;
    for (let k = m.indexOf('\n'); k >= 0; k = m.indexOf('\n', k + 1)) this.line++;
    if (m.startsWith('<!--') || m.startsWith('<?')) return;
    const lineBefore = this.line;
    this.line = startLine; // report the tag at its first line
    if (m.startsWith('<!')) this.fail(`${m.slice(0, 20)}...: DOCTYPE and CDATA are not read`, startLine);
    if (m.startsWith('</')) this.closeTag(m);
    else this.openTag(m);
    this.line = lineBefore;
  }

  private openTag(m: string): void {
    if (this.rootSeen && this.open.length === 0) this.fail('an element after the root element ended', this.line);
    NAME.lastIndex = 1;
    const name = NAME.exec(m)?.[0];
    if (!name) this.fail(`a tag without a name: ${m.slice(0, 40)}`, this.line);
    const selfClosing = m.charCodeAt(m.length - 2) === 0x2f;
    const bodyEnd = m.length - (selfClosing ? 2 : 1);
    const attrs = new Map<string, string>();
    let at = 1 + name.length;
    ATTR.lastIndex = at;
    for (let a = ATTR.exec(m); a && ATTR.lastIndex <= bodyEnd; a = ATTR.exec(m)) {
      const key = a[1]!;
      if (attrs.has(key)) this.fail(`<${name}> has ${key} twice`, this.line);
      const raw = a[2] ?? a[3]!;
      attrs.set(key, raw.includes('&') ? this.decode(raw, name, key) : raw);
      at = ATTR.lastIndex;
    }
    const rest = m.slice(at, bodyEnd).trim();
    if (rest) this.fail(`<${name}>: cannot read ${JSON.stringify(rest.slice(0, 40))} (attributes are name="value")`, this.line);
    if (this.open.length === MAX_DEPTH) this.fail(`nested deeper than ${MAX_DEPTH}`, this.line);
    this.rootSeen = true;
    this.listener.start(name, attrs);
    if (selfClosing) this.listener.end(name);
    else this.open.push(name);
  }

  private closeTag(m: string): void {
    const name = m.slice(2, -1).trim();
    const top = this.open.pop();
    if (top !== name) this.fail(top === undefined ? `</${name}> closes nothing` : `</${name}> closes <${top}>`, this.line);
    this.listener.end(name);
  }

  private decode(raw: string, element: string, attr: string): string {
    const out = raw.replace(REFERENCE, (_, dec: string | undefined, hex: string | undefined, name: string | undefined) => {
      if (name) return ENTITIES[name]!;
      const code = dec !== undefined ? Number(dec) : parseInt(hex!, 16);
      if (code > 0x10ffff) this.fail(`<${element} ${attr}>: &#${code}; is not a character`, this.line);
      // &#N; of a UTF-16 unit (a lone surrogate of a damaged name) comes back as that unit.
      return code <= 0xffff ? String.fromCharCode(code) : String.fromCodePoint(code);
    });
    if (raw.replace(REFERENCE, '').includes('&')) this.fail(`<${element} ${attr}>: a bare & (write &amp;)`, this.line);
    return out;
  }
}
