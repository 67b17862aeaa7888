/**
 * Reads what writer.ts writes, line by line (both forms put one exception per line), so restore
 * streams a dump of any size. It reads dumps, not arbitrary JSON or XML: a line it does not
 * expect is an error naming the line.
 */
import { SnapscopeError } from '../errors.ts';
import { DUMP_VERSION, type DumpHeader, type DumpSnapshot, type ExceptionVisitor } from './model.ts';

const JSON_EXCEPTION = /^\s*\[(\d+),(\d+),"0x([0-9a-f]{1,16})"\],?\s*$/;
const XML_EXCEPTION = /^\s*<exception origin="(\d+)" chunk="(\d+)" share="0x([0-9a-f]{1,16})"\/>\s*$/;
const XML_SNAPSHOT = /^\s*<snapshot slot="(\d+)" name="([^"]*)" uuid="([^"]*)" created="(\d+)"(?: lost="(\d+)")?\/>\s*$/;

export class DumpReader {
  private header: DumpHeader | null = null;
  private headerText = '';
  private kind: 'json' | 'xml' | null = null;
  private inExceptions = false;
  private ended = false;
  private lineNo = 0;

  constructor(
    private readonly source: string,
    private readonly onException: ExceptionVisitor,
  ) {}

  /** The header, once its lines have been read. */
  get dumpHeader(): DumpHeader | null {
    return this.header;
  }

  line(text: string): void {
    this.lineNo++;
    if (text.trim() === '') return;
    if (this.ended) this.fail('text after the end of the dump');
    if (this.kind === null) this.kind = text.trimStart().startsWith('<') ? 'xml' : 'json';
    if (this.kind === 'json') this.jsonLine(text);
    else this.xmlLine(text);
  }

  /** Call after the last line: a dump cut short is an error. */
  finish(): DumpHeader {
    if (!this.header || !this.ended) this.fail('the dump ends early (truncated?)');
    return this.header!;
  }

  private jsonLine(text: string): void {
    if (this.inExceptions) {
      const m = JSON_EXCEPTION.exec(text);
      if (m) return this.exception(m[1]!, m[2]!, m[3]!);
      if (text.trim() === ']}') {
        this.ended = true;
        return;
      }
      this.fail(`expected an exception [origin,chunk,"0xshare"], found ${JSON.stringify(text.slice(0, 80))}`);
    }
    if (text.trim() !== '"exceptions":[') {
      this.headerText += text;
      return;
    }
    let raw: Record<string, unknown>;
    try {
      raw = JSON.parse(`${this.headerText.trim().replace(/,$/, '')}}`) as Record<string, unknown>;
    } catch (e) {
      return this.fail(`the header is not JSON: ${(e as Error).message}`);
    }
    this.header = this.toHeader(jsonHeaderV1(raw), (raw.snapshots ?? []) as DumpSnapshot[]);
    this.inExceptions = true;
  }

  private xmlLine(text: string): void {
    const t = text.trim();
    if (!this.header) {
      if (!t.startsWith('<snapscope_dump ')) this.fail('expected <snapscope_dump ...>');
      const attrs: Record<string, string> = {};
      for (const m of t.matchAll(/(\w+)="([^"]*)"/g)) attrs[m[1]!] = m[2]!;
      const raw: Record<string, unknown> = { snapscope_dump: Number(attrs.version), format: attrs.format, chunk_bytes: Number(attrs.chunk_bytes), chunk_count: Number(attrs.chunk_count), valid: attrs.valid === '1', version: Number(attrs.store_version), snapmask: attrs.snapmask };
      if (attrs.deleting !== undefined) raw.deleting = Number(attrs.deleting);
      if (attrs.merge_slot !== undefined) raw.merge = { slot: Number(attrs.merge_slot), done: Number(attrs.merge_done), cursor: Number(attrs.merge_cursor) };
      this.header = this.toHeader(raw, []);
      return;
    }
    const e = XML_EXCEPTION.exec(text);
    if (e) return this.exception(e[1]!, e[2]!, e[3]!);
    const s = XML_SNAPSHOT.exec(text);
    if (s) {
      this.header.snapshots.push({ slot: Number(s[1]), name: xmlUnescape(s[2]!), uuid: s[3]!, created: Number(s[4]), ...(s[5] === undefined ? {} : { lost: Number(s[5]) }) });
      return;
    }
    if (t === '</snapscope_dump>') {
      this.ended = true;
      return;
    }
    this.fail(`unexpected line ${JSON.stringify(t.slice(0, 80))}`);
  }

  private toHeader(raw: Record<string, unknown>, snapshots: DumpSnapshot[]): DumpHeader {
    if (raw.snapscope_dump !== 1 && raw.snapscope_dump !== DUMP_VERSION) this.fail(`not a snapscope dump of version 1..${DUMP_VERSION}`);
    const format = raw.format;
    if (format !== 'shared' && format !== 'persistent') this.fail(`unknown format ${String(format)}`);
    const num = (k: string, from: Record<string, unknown> = raw): number => {
      const v = from[k];
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) return this.fail(`${k} is not a non-negative integer`);
      return v;
    };
    const mask = typeof raw.snapmask === 'string' && /^0x[0-9a-f]{1,16}$/.test(raw.snapmask) ? BigInt(raw.snapmask) : this.fail('snapmask is not 0x-hex');
    const h: DumpHeader = { format: format as DumpHeader['format'], chunkBytes: num('chunk_bytes'), chunkCount: num('chunk_count'), valid: raw.valid === true, version: num('version'), snapmask: mask, snapshots };
    if (raw.deleting !== undefined) h.deleting = num('deleting');
    if (raw.merge !== undefined) {
      const m = typeof raw.merge === 'object' && raw.merge !== null ? (raw.merge as Record<string, unknown>) : this.fail('merge is not an object');
      h.merge = { slot: num('slot', m), done: num('done', m), cursor: num('cursor', m) };
    }
    return h;
  }

  private exception(origin: string, chunk: string, share: string): void {
    const lo = share.length <= 8 ? parseInt(share, 16) : parseInt(share.slice(-8), 16);
    const hi = share.length <= 8 ? 0 : parseInt(share.slice(0, -8), 16);
    this.onException(Number(origin), Number(chunk), lo, hi);
  }

  private fail(why: string): never {
    throw new SnapscopeError('usage', `${this.source}:${this.lineNo}: ${why}`, { device: this.source, entry: this.lineNo });
  }
}

/** A version-2 JSON header (camelCase keys) under version 1's names, which toHeader reads; a version-1 header as it is. */
function jsonHeaderV1(raw: Record<string, unknown>): Record<string, unknown> {
  if (!('snapscopeDump' in raw)) return raw;
  const { snapscopeDump, chunkBytes, chunkCount, ...rest } = raw;
  return { ...rest, snapscope_dump: snapscopeDump, chunk_bytes: chunkBytes, chunk_count: chunkCount };
}

function xmlUnescape(s: string): string {
  return s.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));
}
