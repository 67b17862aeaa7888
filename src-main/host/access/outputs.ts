import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { SnapscopeError } from '../../../src-core/errors.ts';
import { FileDevice } from '../file-device.ts';
import { assertWritable, openInput } from './inputs.ts';
import { describeSignatures, holdsBinary, holdsData, probeSignatures, type Signature } from './signatures.ts';
import { writeAllSync } from './stream-write.ts';
import { keyOf } from './extents.ts';
import { assertNotAnInput, extentsOf, inspectTarget, type Target } from './target.ts';

export interface OutputRules {
  /** The command's inputs: an output that is one of them (same inode or device, through any symlink) is refused. */
  inputs: readonly string[];
  /** --force: overwrite a target that holds data or a known signature. */
  force: boolean;
  /** Bytes the command will write, when known: a device must hold them, a file that would shrink needs --force. */
  bytes: number | null;
  /**
   * 'data': any non-zero content needs --force (images, stores). 'text' (a text output): a text
   * file is replaced; a known signature, a device that holds data or a binary file need --force.
   */
  protect: 'data' | 'text';
  /** Added to the same-as-input refusal, e.g. "; use --in-place". */
  sameHint?: string;
}

/** What writing the output will do, for --dry-run and for the refusal. */
export interface OutputPlan {
  target: Target;
  /** "create out.img", "replace out.img (8388608 bytes)", "overwrite /dev/loop3 (4194304 bytes)". */
  action: string;
  signatures: Signature[];
  holdsData: boolean;
}

/**
 * Checks an output target against the rules and says what writing it would overwrite. Throws the
 * refusal: an input, a directory, a device in use or read-only, too small, or — without --force —
 * holding a known signature, data, or a file that would shrink.
 */
export function planOutput(p: string, rules: OutputRules): OutputPlan {
  if (p === '-') return { target: stdoutTarget(rules), action: 'write to standard output', signatures: [], holdsData: false };
  const target = inspectTarget(p);
  assertNotAnInput(target, rules.inputs.map(inspectTarget), rules.sameHint ?? '');
  if (target.kind === 'directory') throw new SnapscopeError('usage', `${p} is a directory; give a file or device to write`, { device: p });
  if (target.kind === 'missing') return { target, action: `create ${p}`, signatures: [], holdsData: false };
  if (target.kind === 'stream') return { target, action: `write to ${p} (a pipe or character device)`, signatures: [], holdsData: false };
  assertWritable(target, 'output');
  if (target.kind === 'block' && rules.bytes !== null && target.size < rules.bytes) {
    throw new SnapscopeError('usage', `${p} holds ${target.size} bytes; the output needs ${rules.bytes}`, { device: p });
  }
  const fd = fs.openSync(p, 'r');
  let signatures: Signature[];
  let data: boolean;
  let binary: boolean;
  try {
    signatures = probeSignatures(fd, target.size);
    data = signatures.length > 0 || holdsData(fd, target.size);
    binary = data && target.kind === 'file' && holdsBinary(fd, target.size);
  } finally {
    fs.closeSync(fd);
  }
  const what = signatures.length ? `, which holds: ${describeSignatures(signatures)}` : data ? ', which holds data' : '';
  const plan = { target, action: `overwrite ${p} (${target.size} bytes${what})`, signatures, holdsData: data };
  if (rules.force) return plan;
  if (signatures.length) throw refusal(p, `holds a known signature (${describeSignatures(signatures)})`);
  if ((rules.protect === 'data' || target.kind === 'block') && data) throw refusal(p, `holds data (not all zeros)`);
  if (binary) throw refusal(p, 'holds binary data (not text)');
  if (rules.protect === 'data' && target.kind === 'file' && rules.bytes !== null && rules.bytes < target.size) {
    throw refusal(p, `is ${target.size} bytes; the output (${rules.bytes} bytes) would shrink it`);
  }
  return plan;
}

function refusal(p: string, why: string): SnapscopeError {
  return new SnapscopeError('usage', `refusing to overwrite ${p}: it ${why}; add --force to overwrite it (--dry-run shows what would be written)`, { device: p });
}

function stdoutTarget(rules: OutputRules): Target {
  const st = fs.fstatSync(1);
  const target: Target = { path: 'standard output', real: '-', kind: 'stream', key: keyOf(st), extents: extentsOf(st, 'standard output'), size: 0, stat: st };
  // `dump x.cow --out - >> x.cow`: the shell opened the input as our stdout.
  if (st.isFile() || st.isBlockDevice()) assertNotAnInput(target, rules.inputs.map(inspectTarget));
  return target;
}

/**
 * Where a command writes its result. A regular file is written to a temporary file beside it and
 * renamed into place on commit (a failed command leaves the old file as it was); a block device
 * is written in place, every byte (old data must not show through), under an exclusive lock and
 * O_EXCL; a pipe or terminal ('-' is standard output) gets a stream with back-pressure.
 */
export class Output {
  private pos = 0;
  private done = false;
  private fdOpen = true;
  private dev: FileDevice | null = null;

  private constructor(
    readonly plan: OutputPlan,
    private readonly fd: number,
    /** The temporary file of a regular-file output. */
    private readonly temp: string | null,
    private readonly block: FileDevice | null,
    /** The existing file a regular-file output replaces, held as a writer holds it until the rename. */
    private readonly replaced: FileDevice | null = null,
  ) {}

  static open(p: string, rules: OutputRules): Output {
    const plan = planOutput(p, rules);
    const t = plan.target;
    if (p === '-') return new Output(plan, 1, null, null);
    if (t.kind === 'stream') return new Output(plan, openOrFail(p, 'w'), null, null);
    if (t.kind === 'block') {
      const dev = openInput(p, 'output', true).dev as FileDevice;
      return new Output(plan, dev.handle(), null, dev);
    }
    // A writer that holds the file would go on writing it after the rename, into a file no path
    // names: the output is refused as a second writer is (and holds it likewise meanwhile).
    const replaced = t.kind === 'file' ? (openInput(p, 'output', true).dev as FileDevice) : null;
    try {
      const temp = path.join(path.dirname(t.real), `.${path.basename(t.real)}.snapscope-${process.pid}-${randomBytes(4).toString('hex')}`);
      const fd = openOrFail(temp, 'wx', 0o666);
      if (t.stat) fs.fchmodSync(fd, t.stat.mode & 0o7777);
      return new Output(plan, fd, temp, null, replaced);
    } catch (e) {
      replaced?.close();
      throw e;
    }
  }

  get name(): string {
    return this.plan.target.path;
  }
  get kind(): 'file' | 'block' | 'stream' {
    return this.temp !== null ? 'file' : this.block ? 'block' : 'stream';
  }

  /**
   * Random access to the output, `bytes` long: the device itself, or the temporary file sized to
   * `bytes` (sparse). Streams cannot do this.
   */
  device(bytes: number): FileDevice {
    if (this.block) return this.block;
    if (this.temp === null) throw new SnapscopeError('usage', `${this.name} is a pipe; this command needs a file or device to write`, { device: this.name });
    fs.ftruncateSync(this.fd, bytes);
    this.pos = bytes;
    return (this.dev ??= FileDevice.open(this.temp, { write: true, name: this.name }));
  }

  /** Appends `bytes`. `sparse`: an all-zero piece may be skipped — only in a new file, where it reads as zeros anyway. */
  append(bytes: Uint8Array, sparse = false): void {
    if (this.temp !== null && sparse && isZero(bytes)) {
      this.pos += bytes.length;
      return;
    }
    if (this.kind === 'stream') writeAllSync(this.fd, bytes, this.name);
    else writeAt(this.fd, bytes, this.pos, this.name);
    this.pos += bytes.length;
  }

  /** Makes the output durable and puts it in place. */
  commit(): void {
    if (this.done) return;
    this.dev?.close();
    if (this.block) this.block.flush();
    else if (this.kind === 'file') {
      if (fs.fstatSync(this.fd).size < this.pos) fs.ftruncateSync(this.fd, this.pos);
      fs.fsyncSync(this.fd);
    }
    this.closeFd();
    if (this.temp !== null) {
      fs.renameSync(this.temp, this.plan.target.real);
      syncDir(path.dirname(this.plan.target.real));
    }
    this.replaced?.close();
    this.done = true;
  }

  /** Leaves the target as it was (a file) or as far as it was written (a device, reported by the caller); idempotent. */
  abort(): void {
    if (this.done) return;
    this.done = true;
    this.dev?.close();
    this.closeFd();
    this.replaced?.close();
    if (this.temp !== null) fs.rmSync(this.temp, { force: true }); // ours: created by open() above
  }

  private closeFd(): void {
    if (!this.fdOpen) return;
    this.fdOpen = false;
    if (this.block) this.block.close();
    else if (this.fd !== 1) fs.closeSync(this.fd);
  }

  /** Bytes written (or skipped as sparse) so far. */
  get written(): number {
    return this.pos;
  }
}

/** Runs `fill` on an output and commits it, or aborts it when `fill` throws. */
export async function withOutput<T>(p: string, rules: OutputRules, fill: (out: Output) => T | Promise<T>): Promise<T> {
  const out = Output.open(p, rules);
  try {
    const r = await fill(out);
    out.commit();
    return r;
  } finally {
    out.abort();
  }
}

function writeAt(fd: number, bytes: Uint8Array, at: number, name: string): void {
  let done = 0;
  try {
    while (done < bytes.length) done += fs.writeSync(fd, bytes, done, bytes.length - done, at + done);
  } catch (e) {
    throw new SnapscopeError('io', `cannot write ${name} at offset ${at + done}: ${(e as Error).message}`, { device: name, offset: at + done });
  }
}

function openOrFail(p: string, flags: string, mode?: number): number {
  try {
    return fs.openSync(p, flags, mode);
  } catch (e) {
    throw new SnapscopeError('io', `cannot write ${p}: ${(e as Error).message}`, { device: p });
  }
}

function syncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

const ZEROS = new Uint8Array(1 << 16);

/** Whether every byte is zero (a piece a new file can leave as a hole). */
export function isZero(b: Uint8Array): boolean {
  for (let at = 0; at < b.length; at += ZEROS.length) {
    const piece = b.subarray(at, at + ZEROS.length);
    if (Buffer.compare(piece, ZEROS.subarray(0, piece.length)) !== 0) return false;
  }
  return true;
}
