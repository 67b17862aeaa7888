import fs from 'node:fs';
import nodePath from 'node:path';
import { SnapscopeError } from '../../../src-core/errors.ts';
import { sharedOf } from '../../../src-core/formats.ts';
import { formatSizeProblem, formatStore } from '../../../src-core/open.ts';
import type { StoreFormat } from '../../../src-core/store.ts';
import { assertWouldWrite, assertWritable, openInput } from '../../host/access/inputs.ts';
import { planOutput } from '../../host/access/outputs.ts';
import { describeSignatures, probeSignatures, wipeSignatures } from '../../host/access/signatures.ts';
import { inspectTarget, type Target } from '../../host/access/target.ts';
import type { FileDevice } from '../../host/file-device.ts';
import type { Args } from '../args.ts';
import type { Command } from '../command.ts';
import type { Console } from '../console.ts';
import { COW } from '../grammar.ts';
import { interruptibleStep, type Step } from '../interrupt.ts';
import { formatSize, parseChunkSize } from '../size.ts';

export const format: Command = {
  name: 'format',
  summary: 'create an empty shared or persistent store (creates or extends an image file)',
  positionals: [{ ...COW, help: 'COW device or image file' }],
  options: {
    kind: { type: 'choice', choices: ['shared', 'persistent'], required: true, help: 'the store format' },
    'chunk-size': { type: 'string', value: 'SIZE', help: 'chunk size, a power of two: shared 512 B–1 MiB, persistent 512 B–1 GiB (default 4k)' },
    size: { type: 'size', value: 'SIZE', help: 'size of the COW image file (needed for a new file; a device keeps its size)' },
    force: { type: 'boolean', short: 'f', help: 'overwrite a target that holds data, a store or another signature (filesystem, LVM, swap, partition table, LUKS)' },
    'dry-run': { type: 'boolean', short: 'n', help: 'say what would be done and overwritten, change nothing' },
  },
  details: [
    'Refuses, without --force, a target that holds a known signature or any data, and a file it would shrink.',
    'Foreign signatures (filesystem, LVM, swap, partition table, LUKS) are wiped, so blkid then sees only the store.',
    'A store too small to hold one data chunk is refused. An image file is sparse: one larger than the free space of its',
    'file system is formatted with a warning (thin provisioning, as LVM warns of an overcommitted thin pool): writes to',
    'the store fail once that file system fills, and the kernel then invalidates a snapshot on it.',
  ].join('\n'),
  examples: [
    ['format /tmp/new.cow --kind shared --size 64M', 'a new 64 MiB image holding an empty shared store of 4 KiB chunks'],
    ['format /dev/vg/cow --kind persistent --chunk-size 64k --dry-run', 'what formatting a device would do'],
  ],
  // Ctrl-C is taken before the format or after it (one synchronous step); the listener is in place before the target is looked at.
  run: (args, con) => interruptibleStep((step) => formatCommand(args, con, step)),
};

async function formatCommand(args: Args, con: Console, step: Step): Promise<void> {
  const kind = args.arg('kind') as StoreFormat;
  const path = args.arg('cow');
  const chunkBytes = parseChunkSize(args.string('chunk-size') ?? '4k', '--chunk-size', kind);
  const target = inspectTarget(path);
  const size = targetSize(target, args.number('size'));
  const small = formatSizeProblem(kind, size, chunkBytes);
  if (small) throw new SnapscopeError('usage', `${path} ${small}`, { device: path });
  // Named as the other writers name it; the output rules below would say "output".
  if (target.kind !== 'missing') assertWritable(target, 'COW');
  const dryRun = args.flag('dry-run');
  const space = spaceWarning(target, size);
  const plan = planOutput(path, { inputs: [], force: args.flag('force') || dryRun, bytes: size, protect: 'data' });
  const what = `format ${path} as a ${kind} store: ${formatSize(size)}, chunks of ${formatSize(chunkBytes)}`;
  if (dryRun) {
    if (target.kind !== 'missing') assertWouldWrite(path, 'COW'); // the run opens it as the COW
    const overwrites = plan.target.kind === 'missing' ? null : plan.action;
    const needsForce = plan.holdsData && !args.flag('force');
    if (space) con.note(`snapscope: warning: ${space}`);
    con.result(
      { dryRun: true, format: kind, device: path, deviceBytes: size, chunkBytes, overwrites, needsForce, signatures: plan.signatures.map((s) => ({ name: s.name, offset: s.offset })), warnings: space ? [space] : [] },
      `would ${what}${overwrites ? `\nthis would ${overwrites}${needsForce ? ' (needs --force)' : ''}` : ''}`,
    );
    return;
  }
  const created = target.kind === 'missing';
  if (created) createFile(path);
  let dev: FileDevice | null = null;
  let formatted = false;
  try {
    dev = openInput(path, 'COW', true).dev as FileDevice;
    const d = dev;
    const done = await step(
      () => {
        if (target.kind !== 'block') d.resize(size); // only now that we hold the lock
        // Wiped first: whatever format then writes over a magic is its own.
        const foreign = probeSignatures(d.handle(), d.size).filter((s) => !s.store);
        wipeSignatures(d.handle(), foreign);
        const store = formatStore(kind, d, { chunkBytes });
        const info = store.info();
        const warnings = [...(space ? [space] : []), ...(sharedOf(store)?.warnings ?? [])];
        store.close();
        formatted = true;
        const wiped = foreign.length ? `; wiped the old ${describeSignatures(foreign)} signature` : '';
        return { info, warnings, foreign, said: `${what.replace(/^format/, 'formatted')} (${info.chunkCount} chunks)${wiped}` };
      },
      (r) => r.said,
    );
    for (const w of done.warnings) con.note(`snapscope: warning: ${w}`);
    con.result({ ...done.info, warnings: done.warnings, wiped: done.foreign.map((s) => ({ name: s.name, offset: s.offset })) }, done.said);
  } catch (e) {
    dev?.close();
    dev = null;
    if (created && !formatted) fs.rmSync(path, { force: true }); // we created it above; nothing of the user's is lost
    throw e;
  } finally {
    dev?.close();
  }
}

/** The size the COW will have: --size for files, the device's own size for block devices. */
function targetSize(t: Target, requested: number | undefined): number {
  if (t.kind === 'directory') throw new SnapscopeError('usage', `${t.path} is a directory, not an image or device`, { device: t.path });
  if (t.kind === 'stream') throw new SnapscopeError('usage', `${t.path} is a pipe or character device, not an image or block device`, { device: t.path });
  if (t.kind === 'block') {
    if (requested !== undefined && requested !== t.size) throw new SnapscopeError('usage', `${t.path} is a block device of ${t.size} bytes; --size cannot change it`, { device: t.path });
    return t.size;
  }
  if (requested !== undefined) return requested;
  if (t.kind === 'file') return t.size;
  throw new SnapscopeError('usage', `${t.path} does not exist; give --size to create it`, { device: t.path });
}

/**
 * A sparse image that may outgrow the free space of its file system: formatted all the same (thin
 * provisioning), but said, as lvcreate warns of thin volumes larger than their pool. Null when it fits.
 */
function spaceWarning(t: Target, size: number): string | null {
  if (t.kind !== 'file' && t.kind !== 'missing') return null;
  const held = t.kind === 'file' ? t.stat!.blocks * 512 : 0;
  let free: number;
  try {
    const fsStat = fs.statfsSync(nodePath.dirname(nodePath.resolve(t.path)));
    free = fsStat.bavail * fsStat.bsize;
  } catch {
    return null; // no such directory: creating the file says so
  }
  if (size - held <= free) return null;
  return `${t.path} (${formatSize(size)}, sparse) is larger than the ${formatSize(free)} free on its file system: writes to the store fail once it fills (a kernel snapshot on it is then invalidated)`;
}

function createFile(path: string): void {
  try {
    fs.closeSync(fs.openSync(path, 'wx'));
  } catch (e) {
    throw new SnapscopeError('io', `cannot create ${path}: ${(e as Error).message}`, { device: path });
  }
}
