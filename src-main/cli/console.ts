import { writeAllSync } from '../host/access/stream-write.ts';
import { withSchema } from './json.ts';

/**
 * Where a command's output goes. In JSON mode a command emits objects (one document, or JSON lines
 * for streams); otherwise text. Progress and notes go to stderr so stdout stays parseable.
 */
export class Console {
  constructor(
    readonly json: boolean,
    /** Standard output by default: written synchronously with back-pressure; a closed pipe throws OutputClosed. */
    private readonly out: (text: string) => void = (text) => writeAllSync(1, text),
  ) {}

  /** Made on first use: creating process.stderr (a pipe's or a terminal's stream) costs start-up. */
  private get stderr(): NodeJS.WriteStream {
    return process.stderr;
  }

  /** Text lines to stdout (ignored in JSON mode: commands emit their object instead). */
  print(text: string): void {
    if (!this.json) this.out(text.endsWith('\n') ? text : text + '\n');
  }
  /** One JSON document or JSON line to stdout (only in JSON mode). */
  emit(value: unknown): void {
    if (this.json) this.out(JSON.stringify(value, jsonReplacer) + '\n');
  }
  /** Raw output for commands that stream their own text or JSON (tree); synchronous like the rest, so nothing piles up. */
  write(text: string): void {
    if (text !== '') this.out(text);
  }
  /** The command's result: `value` as JSON, or `text` for people. */
  result(value: unknown, text: string | (() => string)): void {
    if (this.json) this.emit(withSchema(value));
    else this.print(typeof text === 'string' ? text : text());
  }
  /** A note or warning for people, on stderr (also in JSON mode, where stdout is data only). */
  note(text: string): void {
    this.stderr.write(text.endsWith('\n') ? text : text + '\n');
  }
  /** Rewritable status line on a terminal (progress bars); nothing elsewhere. */
  status(text: string): void {
    if (this.stderr.isTTY) this.stderr.write(`\r${text}\x1b[K`);
  }
  endStatus(): void {
    if (this.stderr.isTTY) this.stderr.write('\n');
  }
  get stderrIsTTY(): boolean {
    return this.stderr.isTTY === true;
  }
}

/** Share masks and other 64-bit values are bigints: JSON gets them as decimal strings. */
export function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}
