import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PersistentStore } from '../../src-core/persistent/index.ts';
import { createDemoStore } from '../../src-main/host/demo-store.ts';
import { FileDevice } from '../../src-main/host/file-device.ts';
import { tempDir } from './fixtures.ts';
import { mutants, namedMutants, type Format, type Mutant } from './fuzz-images/mutate.ts';
import { runWatched, type Watched } from './fuzz-images/watch.ts';

/**
 * Mutated store images, both formats, byte-level and format-aware (base_chunk ≥ 2^32, huge chunk
 * sizes, edge values in every header field and table entry), through every CLI command and the
 * API (issue 12, "Tests that make this permanent"). Each run has a time and a memory bound and
 * must end with a result or one clear error: no internal error, no stack trace, no hang, no
 * blow-up, no change to an input opened read-only, no ghost session after a failed open.
 *
 * Bounded for CI (about a minute): the API gets the named cases and 10 random images per format,
 * the CLI (a process per command, ~1 s each) the first named case per format. Larger runs:
 * SNAPSCOPE_FUZZ_API=<random images per format>, SNAPSCOPE_FUZZ_CLI=<random images per format>,
 * another sample with SNAPSCOPE_FUZZ_SEED.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin/snapscope.mjs');
const API_IMAGES = Number(process.env['SNAPSCOPE_FUZZ_API'] ?? 10);
const CLI_IMAGES = Number(process.env['SNAPSCOPE_FUZZ_CLI'] ?? 0);
const SEED = Number(process.env['SNAPSCOPE_FUZZ_SEED'] ?? 20261207);
/** A run that prints nothing for this long is hung (the CLI needs ~1 s to start under load). */
const IDLE_MS = 30_000;
/** No input of a few MiB justifies more (a 1 GiB chunk buffer, an unbounded tree in memory). */
const MAX_RSS = 768 * 1024 * 1024;

interface Seed {
  format: Format;
  cow: Buffer;
  origin: string;
  chunkBytes: number;
  snap: string;
}

let dir: string;
const seeds: Seed[] = [];

beforeAll(() => {
  dir = tempDir();
  const demo = createDemoStore(path.join(dir, 'demo'));
  seeds.push({ format: 'shared', cow: fs.readFileSync(demo.cow), origin: demo.origin, chunkBytes: 512, snap: '0' });
  seeds.push({ format: 'persistent', ...persistentSeed(path.join(dir, 'p')), chunkBytes: 4096, snap: 'snap' });
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A persistent COW with 24 exceptions and an origin whose chunks differ. */
function persistentSeed(d: string): { cow: Buffer; origin: string } {
  fs.mkdirSync(d, { recursive: true });
  const cow = path.join(d, 'p.cow');
  const origin = path.join(d, 'origin.img');
  fs.writeFileSync(cow, Buffer.alloc(1 << 20));
  fs.writeFileSync(origin, Buffer.alloc(1 << 20));
  const c = FileDevice.open(cow, { write: true });
  const o = FileDevice.open(origin, { write: true });
  const store = PersistentStore.format(c, { chunkBytes: 4096 });
  for (let i = 0; i < 24; i++) store.writeOrigin(o, i * 3, new Uint8Array(4096).fill(i + 1));
  store.commit();
  store.close();
  c.close();
  o.close();
  return { cow: fs.readFileSync(cow), origin };
}

const sha = (file: string): string => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

function images(s: Seed, random: number, offset: number): Mutant[] {
  return [...namedMutants(s.format, s.cow, s.chunkBytes), ...mutants(s.format, s.cow, s.chunkBytes, random, SEED + offset)];
}

/** What is wrong with one run: empty when it ended as it should. */
function judge(what: string, r: Watched): string[] {
  const out: string[] = [];
  if (r.killed === 'time') out.push(`${what}: no progress for ${IDLE_MS / 1000} s (hang)`);
  if (r.killed === 'memory') out.push(`${what}: more than ${MAX_RSS >> 20} MiB resident (peak ${r.peakRssBytes >> 20} MiB)`);
  if (r.killed) return out;
  if (r.code !== 0 && r.code !== 1 && r.code !== 2 && r.code !== null) out.push(`${what}: exit ${r.code}`);
  if (/internal error/.test(r.stderr)) out.push(`${what}: ${r.stderr.trim().split('\n')[0]}`);
  if (/^\s+at .*:\d+:\d+\)?$/m.test(r.stderr)) out.push(`${what}: stack trace on stderr`);
  return out;
}

describe('mutated images through the API', () => {
  it(`every call on ${API_IMAGES}+ images per format ends in a result or a typed error, within bounds, leaving no session and no change`, async () => {
    const inputs: { index: number; cow: string; origin: string; scratch: string; scratchOrigin: string; name: string; format: Format }[] = [];
    for (const s of seeds) {
      for (const m of images(s, API_IMAGES, s.format === 'shared' ? 0 : 1)) {
        const index = inputs.length;
        const cow = path.join(dir, `api-${index}.cow`);
        fs.writeFileSync(cow, m.bytes);
        fs.chmodSync(cow, 0o444); // read-only input: the read phase opens it read-only
        const scratch = path.join(dir, `api-${index}.scratch`);
        fs.writeFileSync(scratch, m.bytes);
        const origin = path.join(dir, `api-${index}.origin`);
        fs.copyFileSync(s.origin, origin);
        const scratchOrigin = path.join(dir, `api-${index}.scratch-origin`);
        fs.copyFileSync(s.origin, scratchOrigin);
        inputs.push({ index, cow, origin, scratch, scratchOrigin, name: `${s.format} #${index} ${m.name}`, format: s.format });
      }
    }
    const before = new Map(inputs.flatMap((i) => [[i.cow, sha(i.cow)], [i.origin, sha(i.origin)]] as const));
    const problems: string[] = [];
    let todo = inputs;
    while (todo.length) {
      const list = path.join(dir, 'api-inputs.json');
      fs.writeFileSync(list, JSON.stringify(todo));
      const r = await runWatched(process.execPath, ['--import', 'tsx', path.join(ROOT, 'tests/main/fuzz-images/api-runner.ts'), list, path.join(dir, 'api-data')], { idleMs: IDLE_MS, maxRssBytes: MAX_RSS, cwd: ROOT });
      const lines = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { begin?: number; method?: string; done?: number; problems?: string[]; finished?: boolean });
      const name = (i: number): string => inputs.find((x) => x.index === i)?.name ?? `#${i}`;
      for (const l of lines) if (l.done !== undefined) for (const p of l.problems ?? []) problems.push(`${name(l.done)}: ${p}`);
      if (lines.some((l) => l.finished)) break;
      // The runner died, hung or blew up: blame the call it had begun, and go on after that image.
      const last = lines.filter((l) => l.begin !== undefined).at(-1);
      const culprit = last?.begin ?? todo[0]!.index;
      problems.push(`${name(culprit)}: ${last?.method ?? 'start'}: ${judge('the API runner', r).join('; ') || `died (exit ${r.code}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`}`);
      todo = todo.filter((i) => i.index > culprit);
    }
    for (const [file, hash] of before) if (sha(file) !== hash) problems.push(`${file} changed although it was only opened read-only`);
    expect(problems).toEqual([]);
  }, 300_000 + API_IMAGES * 2 * 3_000);
});

describe('mutated images through every CLI command', () => {
  /** Commands that must not change their inputs (checked by sha256), then commands run on copies. */
  function readOnly(cow: string, origin: string, snap: string, out: (name: string) => string): string[][] {
    return [
      ['info', cow],
      ['snapshot', 'list', cow],
      ['tree', cow],
      ['check', cow],
      ['stats', cow],
      ['dump', cow, '--out', out('dump.json')],
      ['dump', cow, '--format', 'xml'],
      ['read', origin, cow, '--from', 'origin', '--chunk', '0'],
      ['read', origin, cow, '--from', snap, '--out', out('view.img')],
      ['merge', origin, cow, '--snapshot', snap, '--dry-run'],
      ['snapshot', 'delete', cow, snap, '--dry-run'],
      ['repair', cow, '--dry-run'],
      ['repair', cow, '--out', out('repaired.cow')],
      ['format', 'shared', cow], // refuses: the target holds data and there is no --force
    ];
  }
  /** Each writer keeps its own backup: a backup left by one must not fail the next (issue 11 covers that). */
  function writing(cow: string, origin: string, snap: string, format: Format, script: string, dump: string): string[][] {
    return [
      ...(format === 'shared' ? [['snapshot', 'create', cow, '--name', 'fz']] : []),
      ['snapshot', 'rename', cow, snap, 'renamed'],
      ['write', origin, cow, '--to', 'origin', '--chunk', '1', '--fill', '7'],
      ['write', origin, cow, '--to', snap, '--chunk', '2', '--fill', '8'],
      ['replay', origin, cow, '--script', script],
      ['merge', origin, cow, '--snapshot', snap],
      ['snapshot', 'delete', cow, snap],
      ['repair', cow, '--in-place', '--backup', `${cow}.repair-backup`],
      ['restore', dump, cow, '--backup', `${cow}.restore-backup`],
    ];
  }

  it(`every command on mutated images of both formats ends within bounds with a result or one clear error`, async () => {
    const problems: string[] = [];
    const runs: (() => Promise<void>)[] = [];
    let n = 0;
    for (const s of seeds) {
      // The first named case of each format (base_chunk ≥ 2^32; 1 GiB chunks), then random ones.
      const named = namedMutants(s.format, s.cow, s.chunkBytes).slice(0, 1);
      for (const m of [...named, ...mutants(s.format, s.cow, s.chunkBytes, CLI_IMAGES, SEED + 10 + (s.format === 'shared' ? 0 : 1))]) {
        const d = path.join(dir, `cli-${n++}`);
        fs.mkdirSync(d);
        const cow = path.join(d, 'in.cow');
        const origin = path.join(d, 'in.origin');
        fs.writeFileSync(cow, m.bytes);
        fs.copyFileSync(s.origin, origin);
        const scow = path.join(d, 'w.cow');
        const sorigin = path.join(d, 'w.origin');
        fs.writeFileSync(scow, m.bytes);
        fs.copyFileSync(s.origin, sorigin);
        const script = path.join(d, 'script.txt');
        fs.writeFileSync(script, `${s.format === 'shared' ? 'snap-create r\n' : ''}origin-write 3 9\nsnap-write ${s.snap} 4 10\ncommit\nsnap-merge ${s.snap}\n`);
        const dump = path.join(d, 'seed-dump.json');
        const label = `${s.format} ${m.name}`;
        runs.push(async () => {
          const hashes = [sha(cow), sha(origin)];
          fs.mkdirSync(path.join(d, 'ui'));
          fs.writeFileSync(path.join(d, 'ui', 'index.html'), '<!doctype html>'); // serve builds no UI
          const env = { ...process.env, XDG_RUNTIME_DIR: d, XDG_DATA_HOME: d, SNAPSCOPE_UI_DIR: path.join(d, 'ui') };
          const cli = (args: string[], stopWhen?: RegExp) => runWatched(process.execPath, [BIN, ...args], { idleMs: IDLE_MS, maxRssBytes: MAX_RSS, env, cwd: d, ...(stopWhen ? { stopWhen } : {}) });
          for (const args of readOnly(cow, origin, s.snap, (f) => path.join(d, f))) problems.push(...judge(`${label}: ${args.join(' ')}`, await cli(args)));
          problems.push(...judge(`${label}: serve`, await cli(['serve', cow, origin], /snapscope: serving/)));
          if (sha(cow) !== hashes[0] || sha(origin) !== hashes[1]) problems.push(`${label}: a read-only command changed its input`);
          // The writers get copies, and a dump of the healthy seed to restore from.
          fs.writeFileSync(path.join(d, 'seed.cow'), s.cow);
          await cli(['dump', path.join(d, 'seed.cow'), '--out', dump]);
          for (const args of writing(scow, sorigin, s.snap, s.format, script, dump)) problems.push(...judge(`${label}: ${args.join(' ')}`, await cli(args)));
        });
      }
    }
    // Two at a time: the machine has two cores.
    const queue = [...runs];
    await Promise.all([0, 1].map(async () => {
      for (let r = queue.shift(); r; r = queue.shift()) await r();
    }));
    expect(problems).toEqual([]);
  }, 600_000 + CLI_IMAGES * 2 * 60_000);
});
