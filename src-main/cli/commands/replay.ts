import fs from 'node:fs';
import { SnapscopeError, isSnapscopeError } from '../../../src-core/errors.ts';
import type { BlockDevice } from '../../../src-core/io/block-device.ts';
import { runToEnd } from '../../../src-core/jobs/job.ts';
import { openStore } from '../../../src-core/open.ts';
import { originChunkBytes } from '../../../src-core/origin-chunks.ts';
import type { ExceptionStore } from '../../../src-core/store.ts';
import { OverlayDevice, OverlayFull } from '../../host/access/overlay-device.ts';
import { mergeTask } from '../../host/merges.ts';
import { COW, ORIGIN } from '../grammar.ts';
import type { Command } from '../command.ts';
import { assertDistinct, openDevice, requireWritable } from '../devices.ts';
import { parseScript, type ScriptOp } from '../replay-script.ts';
import { createSnapshot, deleteSnapshot } from '../snapshots.ts';
import { parseByte } from '../view-ref.ts';

export const replay: Command = {
  name: 'replay',
  summary: 'run a script of snapshot operations and writes against a store',
  positionals: [COW],
  options: {
    origin: ORIGIN,
    script: { type: 'string', value: 'F', required: true, help: 'the script file', complete: 'file' },
  },
  details: [
    'script lines ( # starts a comment):',
    '  snap-create [name]           create a snapshot (shared store)',
    '  snap-delete <snap>           delete a snapshot (slot, name or UUID)',
    '  origin-write <chunk> <byte>  fill an origin chunk with a byte, copying on write',
    "  snap-write <snap> <chunk> <byte>  fill a snapshot's chunk ('snap' in a persistent COW)",
    '  snap-merge <snap>            merge a snapshot into the origin (it commits; a shared store deletes the snapshot)',
    '  commit                       make everything so far durable',
    'The whole script is first rehearsed in memory: a failing line (named) writes nothing. Then it runs',
    'for real and is committed at its end, and at each commit line.',
  ].join('\n'),
  examples: [['replay /tmp/demo/shared.cow --origin /tmp/demo/origin.img --script ops.txt', 'run the operations in ops.txt, committing at the end']],
  async run(args, con) {
    const file = args.arg('script');
    const ops = parseScript(readScript(file), file);
    const writesOrigin = ops.some((o) => o.op === 'origin-write' || o.op === 'snap-merge');
    const [originPath, cowPath] = [args.arg('origin'), args.arg('cow')];
    const cow = await openDevice(cowPath, 'COW', true);
    try {
      assertDistinct(originPath, cowPath);
      const origin = await openDevice(originPath, 'origin', writesOrigin);
      try {
        // A rehearsal over in-memory overlays finds the failing line before anything is written.
        try {
          replayAll(new OverlayDevice(cow), new OverlayDevice(origin), ops, file, true);
        } catch (e) {
          const full = e instanceof OverlayFull ? e : e instanceof SnapscopeError && e.cause instanceof OverlayFull ? e.cause : null;
          if (!full) throw e;
          con.note(`snapscope: note: ${full.message}; running the script without one (a failing line is reported with what was committed)`);
        }
        const summary = replayAll(cow, origin, ops, file, false);
        con.result({ operations: ops.length, ...summary }, `replayed ${ops.length} operations from ${file}`);
      } finally {
        origin.close();
      }
    } finally {
      cow.close();
    }
  },
};

/**
 * Runs the whole script and commits at its end. A failed rehearsal means nothing was written;
 * a failure of the real run (an I/O error) says which lines were applied and which committed.
 */
function replayAll(cow: BlockDevice, origin: BlockDevice, ops: readonly ScriptOp[], file: string, rehearsal: boolean) {
  const store = openStore(cow, { write: true });
  let lastCommit = 0;
  try {
    requireWritable(store);
    for (const op of ops) {
      try {
        run(store, origin, op);
      } catch (e) {
        const code = isSnapscopeError(e) ? e.code : 'usage';
        const outcome = rehearsal
          ? 'nothing was written'
          : `the lines before it were applied, ${lastCommit ? `and committed up to the commit on line ${lastCommit}` : 'none of them committed'}`;
        const error = new SnapscopeError(code, `${file}:${op.line}: ${op.op}: ${(e as Error).message}; ${outcome}`, { device: file, entry: op.line });
        if (e instanceof OverlayFull) error.cause = e;
        throw error;
      }
      if (op.op === 'commit') lastCommit = op.line;
    }
    store.commit();
    return { snapshots: store.snapshots().length, exceptions: store.info().exceptions };
  } finally {
    store.close();
  }
}

/** One operation; errors get the script line added by the caller. */
function run(store: ExceptionStore, origin: BlockDevice, { op, args }: ScriptOp): void {
  const fill = (chunk: string, byte: string): [number, Uint8Array] => {
    if (!/^\d+$/.test(chunk)) throw new SnapscopeError('usage', `'${chunk}' is not a chunk number`);
    // The chunk's bytes: fewer than a chunk for a partial last one (src-core/origin-chunks.ts).
    return [Number(chunk), new Uint8Array(originChunkBytes(origin, store.chunkBytes, Number(chunk))).fill(parseByte(byte, 'byte'))];
  };
  switch (op) {
    case 'snap-create':
      createSnapshot(store, args[0] === undefined ? {} : { name: args[0] });
      return;
    case 'snap-delete':
      deleteSnapshot(store, store.resolveSnapshot(args[0]!));
      return;
    case 'origin-write': {
      const [chunk, data] = fill(args[0]!, args[1]!);
      store.writeOrigin(origin, chunk, data);
      return;
    }
    case 'snap-write': {
      const slot = store.resolveSnapshot(args[0]!);
      const [chunk, data] = fill(args[1]!, args[2]!);
      store.writeSnapshot(origin, slot, chunk, data);
      return;
    }
    case 'snap-merge':
      runToEnd(mergeTask(store, origin, store.resolveSnapshot(args[0]!)));
      return;
    case 'commit':
      store.commit();
      return;
  }
}

function readScript(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new SnapscopeError('usage', `--script ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
}
