/**
 * Streaming dump writers: JSON (one exception per line, so a line reader can restore it) and
 * XML in the style of thin_dump. Both emit text pieces to `out` as they go: bounded memory.
 */
import { DUMP_VERSION, type DumpHeader } from './model.ts';

export type DumpFormat = 'json' | 'xml';

export interface DumpWriter {
  header(h: DumpHeader): void;
  exception(origin: number, chunk: number, lo: number, hi: number): void;
  /** `outcome`: JSON only, members after the exceptions (`error`: the CLI's dump --json of a damaged store to stdout). */
  end(outcome?: Record<string, unknown>): void;
}

/** A share mask as 0x-hex without BigInt. */
export function shareHex(lo: number, hi: number): string {
  return hi === 0 ? `0x${(lo >>> 0).toString(16)}` : `0x${(hi >>> 0).toString(16)}${(lo >>> 0).toString(16).padStart(8, '0')}`;
}

/** Batches pieces into ~64 KiB strings: one sink call per batch keeps the rate high. */
class Batcher {
  private parts = '';
  constructor(private readonly out: (text: string) => void) {}
  add(text: string): void {
    this.parts += text;
    if (this.parts.length >= 65536) this.flush();
  }
  flush(): void {
    if (this.parts) this.out(this.parts);
    this.parts = '';
  }
}

export function dumpWriter(format: DumpFormat, out: (text: string) => void): DumpWriter {
  return format === 'json' ? new JsonWriter(out) : new XmlWriter(out);
}

class JsonWriter implements DumpWriter {
  private readonly b: Batcher;
  private first = true;
  constructor(out: (text: string) => void) {
    this.b = new Batcher(out);
  }
  header(h: DumpHeader): void {
    const head = {
      snapscopeDump: DUMP_VERSION,
      format: h.format,
      chunkBytes: h.chunkBytes,
      chunkCount: h.chunkCount,
      valid: h.valid,
      version: h.version,
      snapmask: shareHex(Number(h.snapmask & 0xffffffffn), Number(h.snapmask >> 32n)),
      ...(h.deleting === undefined ? {} : { deleting: h.deleting }),
      ...(h.merge === undefined ? {} : { merge: { slot: h.merge.slot, done: h.merge.done, cursor: h.merge.cursor } }),
      snapshots: h.snapshots,
    };
    this.b.add(`${JSON.stringify(head).slice(0, -1)},\n"exceptions":[\n`);
  }
  exception(origin: number, chunk: number, lo: number, hi: number): void {
    this.b.add(`${this.first ? '' : ',\n'}[${origin},${chunk},"${shareHex(lo, hi)}"]`);
    this.first = false;
  }
  end(outcome?: Record<string, unknown>): void {
    const more = outcome ? `,\n${JSON.stringify(outcome).slice(1, -1)}` : '';
    this.b.add(`${this.first ? '' : '\n'}]${more}}\n`);
    this.b.flush();
  }
}

class XmlWriter implements DumpWriter {
  private readonly b: Batcher;
  constructor(out: (text: string) => void) {
    this.b = new Batcher(out);
  }
  header(h: DumpHeader): void {
    const snapmask = shareHex(Number(h.snapmask & 0xffffffffn), Number(h.snapmask >> 32n));
    const deleting = h.deleting === undefined ? '' : ` deleting="${h.deleting}"`;
    const merge = h.merge === undefined ? '' : ` merge_slot="${h.merge.slot}" merge_done="${h.merge.done}" merge_cursor="${h.merge.cursor}"`;
    this.b.add(
      `<snapscope_dump version="${DUMP_VERSION}" format="${h.format}" chunk_bytes="${h.chunkBytes}" chunk_count="${h.chunkCount}" valid="${h.valid ? 1 : 0}" store_version="${h.version}" snapmask="${snapmask}"${deleting}${merge}>\n`,
    );
    for (const s of h.snapshots) this.b.add(`  <snapshot slot="${s.slot}" name="${xmlEscape(s.name)}" uuid="${s.uuid}" created="${s.created}"${s.lost === undefined ? '' : ` lost="${s.lost}"`}/>\n`);
  }
  exception(origin: number, chunk: number, lo: number, hi: number): void {
    this.b.add(`  <exception origin="${origin}" chunk="${chunk}" share="${shareHex(lo, hi)}"/>\n`);
  }
  end(outcome?: Record<string, unknown>): void {
    if (outcome) throw new Error('an XML dump carries no outcome');
    this.b.add('</snapscope_dump>\n');
    this.b.flush();
  }
}

/**
 * Markup characters, control characters (a damaged name must stay on its line) and lone
 * surrogates (which UTF-8 output would replace) as numeric references, which the reader undoes.
 */
const XML_SPECIAL = /[&<>"'\u0000-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function xmlEscape(s: string): string {
  return s.replace(XML_SPECIAL, (c) => `&#${c.charCodeAt(0)};`);
}
