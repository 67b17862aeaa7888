/**
 * Reads a dump (writer.ts's JSON or XML) through a streaming parser, so restore reads a dump of
 * any size in bounded memory, and a dump reformatted by another tool still restores: JSON with
 * any whitespace and key order (`jq .`, `jq -S`), XML with attributes in any order or quoting,
 * comments and a declaration. Exceptions go to the visitor as they are read; the header is
 * checked when the dump ends (its fields may come after the exceptions). Anything that is not a
 * dump is one error naming the line. Spec: docs/check.md § Dump format.
 */
import { SnapscopeError } from '../errors.ts';
import { DUMP_VERSION, type DumpHeader, type DumpSnapshot, type ExceptionVisitor } from './model.ts';
import { JsonTokenizer, type JsonListener, type JsonScalar } from './parse/json-tokens.ts';
import { XmlTokenizer, type XmlListener } from './parse/xml-tokens.ts';

const SHARE = /^0x([0-9a-fA-F]{1,16})$/;
const DECIMAL = /^(?:0|[1-9]\d{0,15})$/;
/** `error`: the outcome `snapscope dump --json` adds to a damaged store's dump on stdout; read past, not content. */
const HEADER_KEYS = ['snapscope_dump', 'format', 'chunk_bytes', 'chunk_count', 'valid', 'version', 'snapmask', 'deleting', 'merge', 'snapshots', 'exceptions', 'error'];
/** Version 2 of the JSON form spells these three header keys in camelCase; read under version 1's names. */
const CAMEL_KEYS: Record<string, string> = { snapscopeDump: 'snapscope_dump', chunkBytes: 'chunk_bytes', chunkCount: 'chunk_count' };
const SNAKE_KEYS = Object.fromEntries(Object.entries(CAMEL_KEYS).map(([camel, snake]) => [snake, camel]));
const ROOT_ATTRS = new Set(['version', 'format', 'chunk_bytes', 'chunk_count', 'valid', 'store_version', 'snapmask', 'deleting', 'merge_slot', 'merge_done', 'merge_cursor']);
const SNAPSHOT_ATTRS = new Set(['slot', 'name', 'uuid', 'created', 'lost']);
const EXCEPTION_ATTRS = new Set(['origin', 'chunk', 'share']);
/** Values the header may hold (64 snapshots of a few fields): more is not a dump. */
const MAX_HEADER_VALUES = 10_000;

type Raw = Record<string, unknown>;

export class DumpReader {
  private parser: JsonTokenizer | XmlTokenizer | null = null;
  private header: DumpHeader | null = null;
  private fieldLines: Record<string, number> = {};
  /** The JSON header's keys are version 2's camelCase: messages name fields as the dump does. */
  private camel = false;

  constructor(
    private readonly source: string,
    private readonly onException: ExceptionVisitor,
  ) {}

  /** The next piece of the dump's text, cut anywhere. */
  write(text: string): void {
    if (!this.parser) {
      text = text.replace(/^\uFEFF/, ''); // an editor's byte order mark
      const first = text.trimStart()[0];
      if (first === undefined) return;
      const fail = (why: string, line: number): never => this.fail(why, line);
      const line = (): number => this.parser!.lineNumber;
      if (first === '<') this.parser = new XmlTokenizer(new XmlDump(this, line), fail);
      else if (first === '{') this.parser = new JsonTokenizer(new JsonDump(this, line), fail);
      else this.fail(`not a snapscope dump: it starts with ${JSON.stringify(text.trimStart().slice(0, 20))}, neither a JSON object nor XML`, 1);
    }
    this.parser.write(text);
  }

  /** Call after the last piece: the header, or an error for a dump cut short or not a dump. */
  finish(): DumpHeader {
    if (!this.parser) return this.fail('the dump is empty', 1);
    this.parser.end();
    return this.header ?? this.fail('the dump ends early (truncated?)', this.parser.lineNumber);
  }

  /** @internal the dump listeners report here. */
  exception(origin: unknown, chunk: unknown, share: unknown): void {
    if (!isCount(origin)) this.fail(`origin ${JSON.stringify(origin)} is not a non-negative integer`);
    if (!isCount(chunk)) this.fail(`chunk ${JSON.stringify(chunk)} is not a non-negative integer`);
    const m = typeof share === 'string' ? SHARE.exec(share) : null;
    if (!m) this.fail(`share ${JSON.stringify(share)} is not 0x-hex of at most 16 digits`);
    const hex = m[1]!;
    const lo = hex.length <= 8 ? parseInt(hex, 16) : parseInt(hex.slice(-8), 16);
    const hi = hex.length <= 8 ? 0 : parseInt(hex.slice(0, -8), 16);
    this.onException(origin, chunk, lo, hi);
  }

  /** @internal the header fields (JSON's names) once the dump has ended, and the line each was on. */
  ended(raw: Raw, lines: Record<string, number>, camel = false): void {
    this.fieldLines = lines;
    this.camel = camel;
    this.header = this.toHeader(raw);
  }

  private toHeader(raw: Raw): DumpHeader {
    const name = (k: string): string => (this.camel ? (SNAKE_KEYS[k] ?? k) : k);
    if (raw.snapscope_dump !== 1 && raw.snapscope_dump !== DUMP_VERSION) this.bad('snapscope_dump', `not a snapscope dump of version 1 to ${DUMP_VERSION} (${name('snapscope_dump')} is ${JSON.stringify(raw.snapscope_dump ?? null)})`);
    const format = raw.format;
    if (format !== 'shared' && format !== 'persistent') this.bad('format', `unknown format ${JSON.stringify(format ?? null)}`);
    const num = (k: string, from: Raw = raw, field = k): number => {
      const v = from[k];
      return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : this.bad(field, `${field === k ? '' : `${field}.`}${name(k)} is not a non-negative integer`);
    };
    if (typeof raw.valid !== 'boolean') this.bad('valid', 'valid is not true or false');
    const mask = typeof raw.snapmask === 'string' && SHARE.test(raw.snapmask) ? BigInt(raw.snapmask) : this.bad('snapmask', 'snapmask is not 0x-hex of at most 16 digits');
    const snapshots = raw.snapshots === undefined ? [] : Array.isArray(raw.snapshots) ? raw.snapshots.map((s, i) => this.snapshot(s, `snapshots[${i}]`)) : this.bad('snapshots', 'snapshots is not a list');
    const h: DumpHeader = { format, chunkBytes: num('chunk_bytes'), chunkCount: num('chunk_count'), valid: raw.valid, version: num('version'), snapmask: mask, snapshots };
    if (raw.error !== undefined && !isObject(raw.error)) this.bad('error', 'error is not an object');
    if (raw.deleting !== undefined) h.deleting = num('deleting');
    if (raw.merge !== undefined) {
      const m = isObject(raw.merge) ? raw.merge : this.bad('merge', 'merge is not an object');
      this.onlyKeys(m, ['slot', 'done', 'cursor'], 'merge');
      h.merge = { slot: num('slot', m, 'merge'), done: num('done', m, 'merge'), cursor: num('cursor', m, 'merge') };
    }
    return h;
  }

  private snapshot(s: unknown, where: string): DumpSnapshot {
    if (!isObject(s)) return this.bad('snapshots', `${where} is not an object`);
    this.onlyKeys(s, ['slot', 'name', 'uuid', 'created', 'lost'], where);
    const num = (k: string): number => (typeof s[k] === 'number' && Number.isSafeInteger(s[k]) && s[k] >= 0 ? s[k] : this.bad('snapshots', `${where}.${k} is not a non-negative integer`));
    const str = (k: string): string => (typeof s[k] === 'string' ? s[k] : this.bad('snapshots', `${where}.${k} is not a string`));
    return { slot: num('slot'), name: str('name'), uuid: str('uuid'), created: num('created'), ...(s.lost === undefined ? {} : { lost: num('lost') }) };
  }

  private onlyKeys(o: Raw, keys: string[], where: string): void {
    for (const k of Object.keys(o)) if (!keys.includes(k)) this.bad(where.replace(/\[.*/, ''), `${where}.${k}: no such field`);
  }

  /** A header problem, on the line where its field is (the dump's end when it is missing). */
  private bad(field: string, why: string): never {
    return this.fail(why, this.fieldLines[field]);
  }

  /** @internal */
  fail(why: string, line = this.parser?.lineNumber ?? 1): never {
    throw new SnapscopeError('usage', `${this.source}:${line}: ${why}`, { device: this.source, entry: line });
  }
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function isObject(v: unknown): v is Raw {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The JSON form: one object, `exceptions` a list of [origin, chunk, "0xshare"] read one at a time;
 * the other fields are small values, kept.
 */
class JsonDump implements JsonListener {
  private depth = 0;
  private readonly raw: Raw = Object.create(null) as Raw;
  private readonly lines: Record<string, number> = {};
  private field: string | null = null;
  /** Inside `exceptions`: the current exception's items, or null between exceptions. */
  private inExceptions = false;
  private item: JsonScalar[] | null = null;
  /** A header value being built: its open containers and the key each waits to fill. */
  private readonly building: (unknown[] | Raw)[] = [];
  private readonly keys: (string | null)[] = [];
  private values = 0;
  /** Whether the header keys are version 2's camelCase (null: none of the three seen yet). */
  private camel: boolean | null = null;

  constructor(
    private readonly dump: DumpReader,
    private readonly line: () => number,
  ) {}

  open(kind: 'object' | 'array'): void {
    this.depth++;
    if (this.depth === 1) {
      if (kind !== 'object') this.dump.fail('a JSON dump is one object');
      return;
    }
    if (this.inExceptions) {
      if (this.item || kind !== 'array') this.dump.fail('an exception is [origin, chunk, "0xshare"]');
      this.item = [];
      return;
    }
    if (this.depth === 2 && this.field === 'exceptions') {
      if (kind !== 'array') this.dump.fail('exceptions is not a list');
      this.raw.exceptions = true; // read here, not kept: marks the field seen
      this.inExceptions = true;
      return;
    }
    this.store(kind === 'object' ? (Object.create(null) as Raw) : []);
  }

  close(): void {
    this.depth--;
    if (this.depth === 0) {
      const v = this.raw.snapscope_dump;
      if ((v === 1 && this.camel === true) || (v === 2 && this.camel === false)) this.dump.fail(`a version-${v} dump spells its header keys in ${v === 1 ? 'snake_case' : 'camelCase'}`);
      return this.dump.ended(this.raw, this.lines, this.camel === true);
    }
    if (this.item) {
      const [origin, chunk, share] = this.item;
      if (this.item.length !== 3) this.dump.fail(`an exception is [origin, chunk, "0xshare"], not ${this.item.length} items`);
      this.item = null;
      return this.dump.exception(origin, chunk, share);
    }
    if (this.inExceptions) {
      this.inExceptions = false;
      return;
    }
    this.building.pop();
    this.keys.pop();
  }

  key(name: string): void {
    if (this.depth === 1) {
      name = this.spelled(name);
      if (!HEADER_KEYS.includes(name)) this.dump.fail(`${name}: no such field in a dump`);
      if (name in this.raw) this.dump.fail(`${name} appears twice`);
      this.field = name;
      this.lines[name] = this.line();
      return;
    }
    this.keys[this.keys.length - 1] = name;
  }

  /** A header key under version 1's name; notes which spelling the dump uses (one, not both). */
  private spelled(name: string): string {
    const camel = name in CAMEL_KEYS ? true : name in SNAKE_KEYS ? false : null;
    if (camel === null) return name;
    if (this.camel !== null && this.camel !== camel) this.dump.fail(`${name}: the header mixes version 1's snake_case keys and version 2's camelCase ones`);
    this.camel = camel;
    return CAMEL_KEYS[name] ?? name;
  }

  value(v: JsonScalar): void {
    if (this.item) {
      this.item.push(v);
      return;
    }
    if (this.inExceptions) this.dump.fail('an exception is [origin, chunk, "0xshare"]');
    this.store(v);
  }

  /** Puts `v` where the header value being built expects it (a new container becomes the current one). */
  private store(v: unknown): void {
    if (++this.values > MAX_HEADER_VALUES) this.dump.fail(`the header holds more than ${MAX_HEADER_VALUES} values: not a dump`);
    const into = this.building[this.building.length - 1];
    if (!into) this.raw[this.field!] = v;
    else if (Array.isArray(into)) into.push(v);
    else {
      const key = this.keys[this.keys.length - 1]!;
      if (key in into) this.dump.fail(`${this.field}: ${key} appears twice`);
      into[key] = v;
    }
    if (typeof v === 'object' && v !== null) {
      this.building.push(v as unknown[] | Raw);
      this.keys.push(null);
    }
  }
}

/** The XML form: <snapscope_dump ...> holding <snapshot .../> and <exception .../> elements. */
class XmlDump implements XmlListener {
  private depth = 0;
  private raw: Raw | null = null;
  private rootLine = 1;
  private readonly snapshots: Raw[] = [];
  private readonly snapshotLines: number[] = [];

  constructor(
    private readonly dump: DumpReader,
    private readonly line: () => number,
  ) {}

  start(name: string, attrs: Map<string, string>): void {
    this.depth++;
    if (this.depth === 1) {
      if (name !== 'snapscope_dump') this.dump.fail(`expected <snapscope_dump>, found <${name}>`);
      this.raw = this.header(attrs);
      this.rootLine = this.line();
      return;
    }
    if (this.depth > 2) this.dump.fail(`<${name}> inside another element of the dump`);
    if (name === 'exception') {
      this.only(name, attrs, EXCEPTION_ATTRS);
      return this.dump.exception(this.int(attrs, 'origin', name), this.int(attrs, 'chunk', name), attrs.get('share') ?? this.dump.fail('<exception> has no share'));
    }
    if (name !== 'snapshot') this.dump.fail(`<${name}> is not part of a dump (<snapshot> or <exception>)`);
    if (this.snapshots.length >= 64) this.dump.fail('more than 64 snapshots');
    this.only(name, attrs, SNAPSHOT_ATTRS);
    const s: Raw = { slot: this.int(attrs, 'slot', name), name: attrs.get('name') ?? this.dump.fail('<snapshot> has no name'), uuid: attrs.get('uuid') ?? this.dump.fail('<snapshot> has no uuid'), created: this.int(attrs, 'created', name) };
    if (attrs.has('lost')) s.lost = this.int(attrs, 'lost', name);
    this.snapshots.push(s);
    this.snapshotLines.push(this.line());
  }

  end(): void {
    if (--this.depth !== 0) return;
    const lines = Object.fromEntries(Object.keys(this.raw!).map((k) => [k, this.rootLine]));
    this.dump.ended({ ...this.raw!, snapshots: this.snapshots }, { ...lines, snapshots: this.snapshotLines[0] ?? this.rootLine });
  }

  /** The root's attributes under the JSON form's names. */
  private header(a: Map<string, string>): Raw {
    const E = 'snapscope_dump';
    this.only(E, a, ROOT_ATTRS);
    const valid = a.get('valid');
    if (valid !== undefined && valid !== '0' && valid !== '1') this.dump.fail(`<${E}> valid="${valid.slice(0, 40)}" is not 0 or 1`);
    const raw: Raw = { snapscope_dump: this.int(a, 'version', E), format: a.get('format'), chunk_bytes: this.int(a, 'chunk_bytes', E), chunk_count: this.int(a, 'chunk_count', E), valid: valid === undefined ? undefined : valid === '1', version: this.int(a, 'store_version', E), snapmask: a.get('snapmask') };
    if (a.has('deleting')) raw.deleting = this.int(a, 'deleting', E);
    if (a.has('merge_slot') || a.has('merge_done') || a.has('merge_cursor')) {
      raw.merge = { slot: this.int(a, 'merge_slot', E), done: this.int(a, 'merge_done', E), cursor: this.int(a, 'merge_cursor', E) };
    }
    return raw;
  }

  private int(a: Map<string, string>, key: string, element: string): number {
    const v = a.get(key);
    if (v === undefined) return this.dump.fail(`<${element}> has no ${key}`);
    return DECIMAL.test(v) && Number.isSafeInteger(Number(v)) ? Number(v) : this.dump.fail(`<${element}> ${key}="${v.slice(0, 40)}" is not a non-negative integer`);
  }

  private only(element: string, a: Map<string, string>, keys: Set<string>): void {
    for (const k of a.keys()) if (!keys.has(k)) this.dump.fail(`<${element}> ${k}: no such attribute`);
  }
}
