import { SnapscopeError, isSnapscopeError } from '../../../src-core/errors.ts';
import type { BlockDevice } from '../../../src-core/io/block-device.ts';
import { runToEnd } from '../../../src-core/jobs/job.ts';
import { openStore } from '../../../src-core/open.ts';
import { originChunkBytes } from '../../../src-core/origin-chunks.ts';
import type { ExceptionStore } from '../../../src-core/store.ts';
import { OverlayDevice, OverlayFull } from '../../host/access/overlay-device.ts';
import { mergeTask } from '../../host/merges.ts';
import { readBounded } from '../../host/read-bounded.ts';
import { COW, ORIGIN } from '../grammar.ts';
import type { Command } from '../command.ts';
import { assertDistinct, openDevice, requireWritable } from '../devices.ts';
import { parseScript, type ScriptOp } from '../replay-script.ts';
import { createSnapshot, deleteSnapshot } from '../snapshots.ts';
import { parseByte } from '../view-ref.ts';
import { interruptible, type Interruption } from '../interrupt.ts';

export const replay: Command = {
  name: 'replay',
  summary: 'run a script of snapshot operations and writes against a store',
  positionals: [COW],
  options: {
    origin: ORIGIN,
    script: { type: 'string', value: 'F', required: true, help: 'the script file', complete: 'file' },
  },
  details: [
    'script lines (# starts a comment):',
    ...columns([
      ['snap-create [name]', 'create a snapshot (shared store)'],
      ['snap-delete <snap>', 'delete a snapshot (slot, name or UUID)'],
      ['origin-write <chunk> <byte>', 'fill an origin chunk with a byte, copying on write'],
      ['snap-write <snap> <chunk> <byte>', "fill a snapshot's chunk ('snap' in a persistent COW)"],
      ['snap-merge <snap>', 'merge a snapshot into the origin (it commits; a shared store deletes the snapshot)'],
      ['commit', 'make everything so far durable'],
    ]),
    'The whole script is first rehearsed in memory: a failing line (named) writes nothing. Then it runs',
    'for real and is committed at its end, and at each commit line.',
  ].join('\n'),
  examples: [['replay /tmp/demo/shared.cow --origin /tmp/demo/origin.img --script ops.txt', 'run the operations in ops.txt, committing at the end']],
  async run(args, con) {
    const file = args.arg('script');
    const ops = parseScript(readScript(file), file);
    const writesOrigin = ops.some((o) => o.op === 'origin-write' || o.op === 'snap-merge');
    const [originPath, cowPath] = [args.arg('origin'), args.arg('cow')];
    // Ctrl-C stops between lines: in the rehearsal nothing was written; in the run the lines before are committed first.
    const where = { rehearsal: true, line: 0 };
    const outcome = (): string => (where.rehearsal ? 'in the rehearsal, nothing was written' : `the lines before line ${where.line} of ${file} were applied and committed`);
    // The listener is in place before the opens: a Ctrl-C as the COW is taken ends in these words, not in Node's silent death.
    const summary = await interruptible(outcome, async (stop) => {
      const cow = await openDevice(cowPath, 'COW', true);
      try {
        assertDistinct(originPath, cowPath);
        const origin = await openDevice(originPath, 'origin', writesOrigin);
        try {
          // A rehearsal over in-memory overlays finds the failing line before anything is written.
          try {
            await replayAll(new OverlayDevice(cow), new OverlayDevice(origin), ops, file, stop, null);
          } catch (e) {
            const full = e instanceof OverlayFull ? e : e instanceof SnapscopeError && e.cause instanceof OverlayFull ? e.cause : null;
            if (!full) throw e;
            con.note(`snapscope: note: ${full.message}; running the script without one (a failing line is reported with what was committed)`);
          }
          where.rehearsal = false;
          return await replayAll(cow, origin, ops, file, stop, where);
        } finally {
          origin.close();
        }
      } finally {
        cow.close();
      }
    });
    con.result({ operations: ops.length, ...summary }, `replayed ${ops.length} operations from ${file}`);
  },
};

/**
 * Runs the whole script and commits at its end. A failed rehearsal means nothing was written;
 * a failure of the real run (an I/O error) says which lines were applied and which committed.
 * The real run (`at`: where it is) stops at a Ctrl-C between lines, committing those before.
 */
async function replayAll(cow: BlockDevice, origin: BlockDevice, ops: readonly ScriptOp[], file: string, stop: Interruption, at: { line: number } | null) {
  const rehearsal = at === null;
  const store = openStore(cow, { write: true });
  let lastCommit = 0;
  try {
    requireWritable(store);
    for (const [i, op] of ops.entries()) {
      // A yield every 256 lines is enough for a prompt Ctrl-C; a SIGINT is acted on just below.
      if ((i & 255) === 0) await stop.pause().catch(() => undefined);
      if (at) at.line = op.line;
      if (stop.interrupted) {
        if (!rehearsal) store.commit();
        throw new SnapscopeError('cancelled', 'interrupted'); // interruptible says what was left
      }
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

/** Larger than any script of snapshot operations: past it the file is not one (/dev/zero never ends). */
const MAX_SCRIPT_BYTES = 256 << 20;

function readScript(file: string): string {
  let text: Buffer | null;
  try {
    text = readBounded(file, MAX_SCRIPT_BYTES);
  } catch (e) {
    throw new SnapscopeError('usage', `--script ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  if (text === null) throw new SnapscopeError('usage', `--script ${file} holds more than 256 MiB: not a script`);
  return text.toString('utf8');
}

/** "  syntax   help" lines, the help in one column after the widest syntax. */
function columns(rows: [string, string][]): string[] {
  const width = Math.max(...rows.map(([syntax]) => syntax.length));
  return rows.map(([syntax, help]) => `  ${syntax.padEnd(width)}  ${help}`);
}
