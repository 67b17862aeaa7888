/**
 * Issue #12 point 2 with real processes: `replay` killed with SIGKILL at random moments leaves a
 * store that checks clean and is exactly the state after some prefix of the script (every write it
 * made survives a process kill, so a later write on disk while an earlier one is lost would show).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryDevice } from '../../src-core/io/memory-device.ts';
import { SharedStore } from '../../src-core/shared/index.ts';
import { readViewChunk } from '../../src-core/view.ts';
import { tempDir } from './cli.ts';
import { checkErrors, generation, killTrials, random } from './crash-kill.ts';

const CHUNK = 4096;
const ORIGIN = 48;

/** Every chunk is written whole with one byte, so a state is one byte per chunk and view. */
interface State {
  origin: Uint8Array;
  snaps: Map<string, Uint8Array>;
}

/** A script of snapshot creates and deletes, origin and snapshot writes (unshare pairs too) and commits; and the state after each line. */
function script(seed: number): { text: string; states: State[] } {
  const rnd = random(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const state: State = { origin: new Uint8Array(ORIGIN), snaps: new Map() };
  const states: State[] = [];
  const lines: string[] = [];
  const snapshot = () => ({ origin: state.origin.slice(), snaps: new Map([...state.snaps].map(([k, v]) => [k, v.slice()])) });
  const add = (line: string) => {
    lines.push(line);
    states.push(snapshot());
  };
  let serial = 0;
  for (let i = 0; i < 500; i++) {
    const r = rnd();
    const names = [...state.snaps.keys()];
    // Snapshot writes stay in 16 chunks, so many go in place into copies an earlier commit made.
    const chunk = Math.floor(rnd() * (r < 0.2 ? ORIGIN : 16));
    const byte = 1 + Math.floor(rnd() * 255);
    if (r < 0.05 && names.length < 6) {
      const name = `s${serial++}`;
      state.snaps.set(name, state.origin.slice());
      add(`snap-create ${name}`);
    } else if (r < 0.07 && names.length > 2) {
      const name = pick(names);
      state.snaps.delete(name);
      add(`snap-delete ${name}`);
    } else if (r < 0.2) {
      state.origin[chunk] = byte;
      add(`origin-write ${chunk} ${byte}`);
    } else if (r < 0.99 && names.length) {
      const name = pick(names);
      state.snaps.get(name)![chunk] = byte;
      add(`snap-write ${name} ${chunk} ${byte}`);
    } else add('commit');
  }
  return { text: `${lines.join('\n')}\n`, states: [{ origin: new Uint8Array(ORIGIN), snaps: new Map() }, ...states] };
}

/** What the store on disk holds, as a State; null when a view is not one byte per chunk. */
function readState(cowFile: string, originFile: string): State {
  const store = SharedStore.open(new MemoryDevice(new Uint8Array(fs.readFileSync(cowFile)), 'cow'));
  const origin = new MemoryDevice(new Uint8Array(fs.readFileSync(originFile)), 'origin');
  const buf = new Uint8Array(CHUNK);
  const view = (v: 'origin' | number) => {
    const out = new Uint8Array(ORIGIN);
    for (let c = 0; c < ORIGIN; c++) {
      readViewChunk(store, origin, v, c, buf);
      if (buf.some((b) => b !== buf[0])) throw new Error(`view ${v} chunk ${c} is torn`);
      out[c] = buf[0]!;
    }
    return out;
  };
  return { origin: view('origin'), snaps: new Map(store.snapshots().map((s) => [s.name, view(s.slot)])) };
}

function same(a: State, b: State): boolean {
  if (Buffer.compare(a.origin, b.origin) !== 0 || a.snaps.size !== b.snaps.size) return false;
  for (const [name, v] of a.snaps) if (!b.snaps.has(name) || Buffer.compare(v, b.snaps.get(name)!) !== 0) return false;
  return true;
}

function volume(dir: string, seed: number) {
  const cow = path.join(dir, `cow-${seed}.img`);
  const origin = path.join(dir, `origin-${seed}.img`);
  const mem = new MemoryDevice(CHUNK * 1024, 'cow');
  SharedStore.format(mem, { chunkBytes: CHUNK }).close();
  fs.writeFileSync(cow, mem.bytes);
  fs.writeFileSync(origin, Buffer.alloc(CHUNK * ORIGIN));
  const s = path.join(dir, `script-${seed}.txt`);
  const { text, states } = script(seed);
  fs.writeFileSync(s, text);
  return { cow, origin, script: s, states };
}

describe('replay killed with SIGKILL at random moments', () => {
  it('leaves exactly the state after some prefix of the script, checking clean', { timeout: 240_000 }, async () => {
    const dir = tempDir();
    let seed = 0;
    await killTrials({
      // The reference runs script 1, trial k script 100 + k (the seed of its delay).
      fresh: (name) => volume(dir, name === 'ref' ? 1 : 100 + seed++),
      args: (v) => ['replay', v.cow, '--origin', v.origin, '--script', v.script],
      started: (v) => () => generation(v.cow) > 1n,
      startedWhat: 'the first commit',
      firstSeed: 100,
      reference: (v) => expect(same(readState(v.cow, v.origin), v.states.at(-1)!)).toBe(true),
      after: (v, where) => {
        expect(checkErrors(v.cow), where).toEqual([]);
        const got = readState(v.cow, v.origin);
        expect(v.states.some((s) => same(s, got)), `${where}: the store is the state after no prefix of the script`).toBe(true);
      },
    });
  });
});
