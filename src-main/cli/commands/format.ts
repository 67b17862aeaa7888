import fs from 'node:fs';
import { SnapscopeError } from '../../../src-core/errors.ts';
import { formatStore, probeFormat } from '../../../src-core/open.ts';
import { SharedStore } from '../../../src-core/shared/index.ts';
import type { StoreFormat } from '../../../src-core/store.ts';
import { FileDevice } from '../../host/file-device.ts';
import { assertNotInUse } from '../../host/in-use.ts';
import type { Command } from '../command.ts';
import { isBlockDevice } from '../devices.ts';
import { COW } from '../grammar.ts';
import { formatSize, parseChunkSize } from '../size.ts';

export const format: Command = {
  name: 'format',
  summary: 'create an empty shared or persistent store (creates or extends an image file)',
  positionals: [{ ...COW, help: 'COW device or image file' }],
  options: {
    kind: { type: 'choice', choices: ['shared', 'persistent'], required: true, help: 'the store format' },
    'chunk-size': { type: 'string', value: 'SIZE', help: 'chunk size, a power of two: shared 512 B–1 MiB, persistent 512 B–1 GiB (default 4k)' },
    size: { type: 'size', value: 'SIZE', help: 'size of the COW image file (needed for a new file; a device keeps its size)' },
    force: { type: 'boolean', short: 'f', help: 'overwrite an existing store' },
    'dry-run': { type: 'boolean', short: 'n', help: 'say what would be done, change nothing' },
  },
  examples: [
    ['format /tmp/new.cow --kind shared --size 64M', 'a new 64 MiB image holding an empty shared store of 4 KiB chunks'],
    ['format /dev/vg/cow --kind persistent --chunk-size 64k --dry-run', 'what formatting a device would do'],
  ],
  async run(args, con) {
    const kind = args.arg('kind') as StoreFormat;
    const path = args.arg('cow');
    const chunkBytes = parseChunkSize(args.string('chunk-size') ?? '4k', '--chunk-size', kind);
    const size = targetSize(path, args.number('size'));
    const existing = existingStore(path);
    if (existing && !args.flag('force')) {
      throw new SnapscopeError('usage', `${path} already holds a ${existing} store; add --force to overwrite it`, { device: path });
    }
    assertNotInUse(path, 'COW');
    const plan = `format ${path} as a ${kind} store: ${formatSize(size)}, chunks of ${formatSize(chunkBytes)}`;
    if (args.flag('dry-run')) {
      con.result({ dryRun: true, format: kind, device: path, deviceBytes: size, chunkBytes }, `would ${plan}`);
      return;
    }
    if (!statOrNull(path)?.isBlockDevice()) sizeFile(path, size);
    const dev = FileDevice.open(path, { write: true, exclusive: isBlockDevice(path) });
    try {
      const store = formatStore(kind, dev, { chunkBytes });
      const info = store.info();
      const warnings = store instanceof SharedStore ? store.warnings : [];
      store.close();
      for (const w of warnings) con.note(`snapscope: warning: ${w}`);
      con.result({ ...info, warnings }, `${plan.replace(/^format/, 'formatted')} (${info.chunkCount} chunks)`);
    } finally {
      dev.close();
    }
  },
};

/** The size the COW will have: --size for files, the device's own size for block devices. */
function targetSize(path: string, requested: number | undefined): number {
  const st = statOrNull(path);
  if (st?.isDirectory()) throw new SnapscopeError('usage', `${path} is a directory, not an image or device`, { device: path });
  if (st?.isBlockDevice()) {
    const dev = FileDevice.open(path);
    const size = dev.size;
    dev.close();
    if (requested !== undefined && requested !== size) throw new SnapscopeError('usage', `${path} is a block device of ${size} bytes; --size cannot change it`, { device: path });
    return size;
  }
  if (requested !== undefined) return requested;
  if (st) return st.size;
  throw new SnapscopeError('usage', `${path} does not exist; give --size to create it`, { device: path });
}

function existingStore(path: string): StoreFormat | null {
  if (!statOrNull(path)) return null;
  const dev = FileDevice.open(path);
  try {
    return probeFormat(dev);
  } finally {
    dev.close();
  }
}

/** Creates the image file or sets its size (sparse). */
function sizeFile(path: string, size: number): void {
  try {
    fs.closeSync(fs.openSync(path, 'a'));
    fs.truncateSync(path, size);
  } catch (e) {
    throw new SnapscopeError('io', `cannot create ${path}: ${(e as Error).message}`, { device: path });
  }
}

function statOrNull(path: string): fs.Stats | null {
  try {
    return fs.statSync(path);
  } catch {
    return null;
  }
}
