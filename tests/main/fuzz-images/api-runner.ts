// Runs in its own process (fuzz-images.test.ts watches its time and memory): every mutated image
// through the API, read-only and then, on a copy, for writing. Prints one line before each call
// ("begin" — the parent blames a hang or a blow-up on the last one) and one result line per image.
import fs from 'node:fs';
import path from 'node:path';
import type { Envelope } from '../../../src-core/api/errors.ts';
import { EngineService } from '../../../src-main/host/engine-service.ts';

interface Input {
  index: number;
  cow: string;
  origin: string;
  /** Copies of the image and the origin that the write phase may change. */
  scratch: string;
  scratchOrigin: string;
}

const [listFile, dataDir] = process.argv.slice(2) as [string, string];
const inputs = JSON.parse(fs.readFileSync(listFile, 'utf8')) as Input[];
const service = new EngineService({ mode: 'local', version: 'fuzz', dataDir, helper: { launcher: null, note: 'fuzz' } });
const say = (o: unknown): void => void fs.writeSync(1, `${JSON.stringify(o)}\n`);

let current = 0;
const problems: string[] = [];

async function call(method: string, args: Record<string, unknown>): Promise<Envelope<unknown>> {
  say({ begin: current, method });
  const r = await service.call(method, args);
  if (!r.ok && r.error.code === 'internal') problems.push(`${method} ${JSON.stringify(args)}: internal error: ${r.error.message}`);
  return r;
}

/** A job's end: its final state (or the call's error). */
async function job(method: string, args: Record<string, unknown>): Promise<unknown> {
  const started = await call(method, args);
  if (!started.ok) return started;
  const end = await call('jobWait', { job: (started.result as { id: string }).id });
  const result = end.ok ? (end.result as { state: string; error?: { code: string; message: string } }) : null;
  if (result?.error?.code === 'internal') problems.push(`${method} job: internal error: ${result.error.message}`);
  return end;
}

function heldByUs(file: string): boolean {
  for (const fd of fs.readdirSync('/proc/self/fd')) {
    try {
      if (fs.readlinkSync(`/proc/self/fd/${fd}`) === file) return true;
    } catch {
      /* closed meanwhile */
    }
  }
  return false;
}

interface Info {
  chunkCount: number;
  snapshots: { slot: number; name: string }[];
  format: string;
  tree: unknown;
}

async function readEverything(session: string, info: Info): Promise<void> {
  const s = { session };
  const last = Math.max(0, info.chunkCount - 1);
  await call('info', s);
  await call('sessions', {});
  const root = await call('treeRoot', s);
  if (root.ok) {
    const r = (root.result as { root: number }).root;
    await call('treeBlock', { ...s, chunk: r });
    await call('leafDetail', { ...s, chunk: r });
    for (const key of [0, 1, 100, 2 ** 32 - 1]) await call('pathTo', { ...s, key });
  }
  await call('occupancy', { ...s, start: 0, end: info.chunkCount, buckets: 64, bySnapshot: true });
  for (const chunk of [0, 1, 2, last]) await call('chunkInfo', { ...s, chunk });
  await call('areas', s);
  await call('exceptionTable', { ...s, offset: 0, limit: 50 });
  await call('exceptionTable', { ...s, offset: 0, limit: 50, sort: 'origin', descending: true });
  for (const from of ['origin', ...info.snapshots.map((x) => x.slot)]) for (const chunk of [0, 1, 7]) await call('readChunk', { ...s, from, chunk });
  await call('dmTable', s);
  await job('check', s);
  await job('stats', s);
  await job('dump', { ...s, maxBytes: 200_000 });
  for (const snap of info.snapshots.slice(0, 2)) await job('merge', { ...s, snapshot: snap.slot, dryRun: true });
}

async function writeSome(session: string, info: Info): Promise<void> {
  const s = { session };
  if (info.format === 'shared') await call('snapshotCreate', { ...s, name: 'fuzz' });
  for (const chunk of [0, 3]) await call('writeChunk', { ...s, to: 'origin', chunk, fill: 0x42 });
  for (const snap of info.snapshots.slice(0, 1)) {
    await call('writeChunk', { ...s, to: snap.slot, chunk: 1, fill: 0x43 });
    await job('merge', { ...s, snapshot: snap.slot, batchChunks: 4 });
  }
  if (info.format === 'shared') for (const snap of info.snapshots.slice(-1)) await call('snapshotDelete', { ...s, snapshot: snap.slot });
  await job('check', s);
}

async function one(input: Input): Promise<void> {
  current = input.index;
  problems.length = 0;
  let opened = false;
  for (const [cow, origin, write] of [[input.cow, input.origin, false], [input.scratch, input.scratchOrigin, true]] as const) {
    const r = await call('open', { cow, origin, write });
    if (!r.ok) {
      // A failed open leaves nothing: no session, the file not held, `sessions` still answering.
      const list = await call('sessions', {});
      if (!list.ok) problems.push(`sessions fails after a failed open: ${list.error.message}`);
      if (service.context.sessions.size) problems.push(`ghost session after a failed open of ${cow}: ${r.error.code} ${r.error.message}`);
      if (heldByUs(cow)) problems.push(`${cow} still held after its open failed`);
      await job('check', { cow }); // the raw walk still works on what will not open
      continue;
    }
    opened = true;
    const dto = r.result as { session: string; info: Info };
    if (write) await writeSome(dto.session, dto.info);
    else await readEverything(dto.session, dto.info);
    await service.context.jobs.cancelAll();
    const closed = await call('close', { session: dto.session });
    if (!closed.ok) problems.push(`close: ${closed.error.message}`);
  }
  if (service.context.sessions.size) problems.push(`${service.context.sessions.size} sessions left open`);
  say({ done: input.index, opened, problems: [...problems] });
}

for (const input of inputs) await one(input);
await service.dispose();
say({ finished: true });
fs.rmSync(path.join(dataDir), { recursive: true, force: true });
process.exit(0);
