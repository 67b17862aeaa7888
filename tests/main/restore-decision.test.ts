/**
 * `snapscope restore` and the API's restore job decide alike: in place or a new target, the
 * refusals (no data chunks, a target holding data without force, a target that is an input) and
 * their messages, what a dry run says, and what is written. Each case is set up twice, once per
 * path, in directories of the same layout.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RestoreResultDto } from '../../src-core/api/contract.ts';
import { toErrorShape } from '../../src-core/api/errors.ts';
import { beginRewrite } from '../../src-core/persistent/restore-intent.ts';
import { createDemoStore } from '../../src-main/host/demo-store.ts';
import { FileDevice } from '../../src-main/host/file-device.ts';
import { snapscope, startApi } from './api-client.ts';
import { persistentPair, tablePersistent, tempDir } from './fixtures.ts';
import { cli, sha256 } from '../cli/cli.ts';

interface Ask {
  target: string;
  dump: string;
  dataFrom?: string;
  metadataOnly?: boolean;
  force?: boolean;
}

/** A case: its files made in `dir`, what restore is asked, and what it decides (a refusal: its error code). */
type Case = [name: string, setUp: (dir: string) => Ask, decides: 'in-place' | 'new' | 'usage'];

/**
 * The demo store and its dump (JSON), made once and copied into each case's directory: the demo
 * commits every 25 writes, and building it twice per case (18 times) was most of this file's time.
 */
let demo = { origin: '', cow: '', dump: '' };
beforeAll(() => {
  const dir = tempDir();
  const { origin, cow } = createDemoStore(dir);
  demo = { origin, cow, dump: path.join(dir, 'demo.json') };
  snapscope('dump', cow, '--out', demo.dump);
});

function inputs(dir: string) {
  const [origin, cow, dump] = [path.join(dir, 'origin.img'), path.join(dir, 'shared.cow'), path.join(dir, 'demo.json')];
  fs.copyFileSync(demo.origin, origin);
  fs.copyFileSync(demo.cow, cow);
  fs.copyFileSync(demo.dump, dump);
  return { cow, dump, file: (name: string) => path.join(dir, name) };
}

const CASES: Case[] = [
  ['a store: rewritten in place', (d) => ({ target: inputs(d).cow, dump: path.join(d, 'demo.json') }), 'in-place'],
  ['a persistent store: in place', (d) => {
    const cow = tablePersistent(d, 300);
    const dump = path.join(d, 'p.json');
    snapscope('dump', cow, '--out', dump);
    return { target: cow, dump };
  }, 'in-place'],
  ['a new file with the data chunks of the store', (d) => {
    const i = inputs(d);
    return { target: i.file('new.cow'), dump: i.dump, dataFrom: i.cow };
  }, 'new'],
  ['a new file, metadata only', (d) => {
    const i = inputs(d);
    return { target: i.file('new.cow'), dump: i.dump, metadataOnly: true };
  }, 'new'],
  ['a new file without its data chunks: refused', (d) => {
    const i = inputs(d);
    return { target: i.file('new.cow'), dump: i.dump };
  }, 'usage'],
  ['a file holding data: refused without force', (d) => {
    const i = inputs(d);
    fs.writeFileSync(i.file('data.bin'), Buffer.alloc(4096, 7));
    return { target: i.file('data.bin'), dump: i.dump, dataFrom: i.cow };
  }, 'usage'],
  ['a file holding data, forced', (d) => {
    const i = inputs(d);
    fs.writeFileSync(i.file('data.bin'), Buffer.alloc(4096, 7));
    return { target: i.file('data.bin'), dump: i.dump, dataFrom: i.cow, force: true };
  }, 'new'],
  ['the dump itself as the target: refused', (d) => {
    const i = inputs(d);
    return { target: i.dump, dump: i.dump, metadataOnly: true, force: true };
  }, 'usage'],
  ['the data source as the target: refused', (d) => {
    const i = inputs(d);
    return { target: i.cow, dump: i.dump, dataFrom: i.cow, force: true };
  }, 'usage'],
  ['data chunks from a COW marked by an interrupted rewrite (only its data is read)', (d) => {
    const i = inputs(d);
    const { cow } = persistentPair(d);
    const dev = FileDevice.open(cow, { write: true });
    beginRewrite(dev, { path: i.file('gone.snapscope-backup'), id: randomBytes(16) }, 8);
    dev.close();
    return { target: i.file('new.cow'), dump: i.dump, dataFrom: cow };
  }, 'new'],
];

/** What a run decided: its plan and result, or its error; paths relative to the case's directory. */
type Outcome = { error: { code: string; message: string } } | Omit<RestoreResultDto, 'snapshots' | 'format' | 'chunkBytes' | 'chunkCount'>;

function outcome(value: { error?: { code: string; message: string } } & Partial<RestoreResultDto>, dir: string): Outcome {
  const rel = <T,>(v: T): T => JSON.parse(JSON.stringify(v).replaceAll(dir, '<dir>')) as T;
  if (value.error) return rel({ error: { code: value.error.code, message: value.error.message } });
  const { dryRun, exceptions, target, mode, would, overwrites, needsForce, backup, written } = value as RestoreResultDto;
  return rel({ dryRun, exceptions, target, mode, would, overwrites, needsForce, backup, written });
}

function viaCli(ask: Ask, dryRun: boolean, dir: string): Outcome {
  const args = ['restore', ask.target, '--dump', ask.dump, '--json'];
  if (ask.dataFrom) args.push('--data-from', ask.dataFrom);
  if (ask.metadataOnly) args.push('--metadata-only');
  if (ask.force) args.push('--force');
  if (dryRun) args.push('--dry-run');
  // With --json the progress comes first, one JSON line each; the result is the last line.
  const r = cli(...args);
  return outcome(JSON.parse(r.stdout.trim().split('\n').at(-1)!), dir);
}

async function viaApi(c: ReturnType<typeof startApi>['c'], ask: Ask, dryRun: boolean, dir: string): Promise<Outcome> {
  const { target, ...rest } = ask;
  try {
    const job = await c.jobWait({ job: (await c.restore({ cow: target, ...rest, dryRun })).id });
    return outcome(job.state === 'done' ? (job.result as RestoreResultDto) : { error: job.error! }, dir);
  } catch (e) {
    return outcome({ error: toErrorShape(e) }, dir);
  }
}

/** Every file of the case's directory and its digest (backups hold a random id: their size only). */
function files(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of fs.readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (!fs.statSync(p).isFile()) continue;
    out[name] = name.endsWith('.snapscope-backup') ? `${fs.statSync(p).size} bytes` : sha256(p);
  }
  return out;
}

describe('restore decides in one place: the CLI and the API give the same plan, result and error', () => {
  it.each(CASES)('%s', async (_, setUp, decides) => {
    const root = tempDir();
    const [cliDir, apiDir] = [path.join(root, 'cli'), path.join(root, 'api')];
    fs.mkdirSync(cliDir);
    fs.mkdirSync(apiDir);
    const [cliAsk, apiAsk] = [setUp(cliDir), setUp(apiDir)];
    const { c } = startApi(root);

    const before = { cli: files(cliDir), api: files(apiDir) };
    const dry = viaCli(cliAsk, true, cliDir);
    expect(await viaApi(c, apiAsk, true, apiDir)).toEqual(dry);
    const run = viaCli(cliAsk, false, cliDir);
    expect(await viaApi(c, apiAsk, false, apiDir)).toEqual(run);
    expect('error' in run ? run.error.code : run.mode).toBe(decides);
    // The dry run said what the run did, or met the run's error, or said that it needs force.
    if ('error' in run && 'error' in dry) expect(dry.error).toEqual(run.error);
    if ('error' in run && !('error' in dry)) expect(dry.needsForce).toBe(true);
    if (!('error' in run)) expect({ ...dry, dryRun: false, written: run.written, backup: run.backup }).toEqual(run);
    // The same bytes written into the target; nothing else written (a refusal: nothing at all).
    const target = path.basename(cliAsk.target);
    const after = { cli: files(cliDir), api: files(apiDir) };
    expect(after.api[target]).toEqual(after.cli[target]);
    for (const side of ['cli', 'api'] as const) {
      const unchanged = (f: Record<string, string>) => Object.fromEntries(Object.entries(f).filter(([name]) => name !== target && !name.endsWith('.snapscope-backup')));
      expect(unchanged(after[side]), side).toEqual(unchanged(before[side]));
      if ('error' in run) expect(after[side], side).toEqual(before[side]);
    }
  }, 60_000);
});
