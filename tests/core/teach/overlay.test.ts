import { describe, expect, it } from 'vitest';
import { buildDemo, DEMO_COW_BYTES, DEMO_ORIGIN_BYTES } from '../../../src-core/demo.ts';
import { MemoryDevice } from '../../../src-core/io/memory-device.ts';
import { dumpTask } from '../../../src-core/ir/dump.ts';
import { dumpWriter } from '../../../src-core/ir/writer.ts';
import { runToEnd } from '../../../src-core/jobs/job.ts';
import { exportSession, importSession, OverlayDevice, parseOp, TeachSession } from '../../../src-core/teach/index.ts';

function demo(): { cow: MemoryDevice; origin: MemoryDevice } {
  const cow = new MemoryDevice(DEMO_COW_BYTES, 'demo.cow');
  const origin = new MemoryDevice(DEMO_ORIGIN_BYTES, 'demo.origin');
  buildDemo(origin, cow);
  return { cow: new MemoryDevice(cow.bytes, 'demo.cow', true), origin: new MemoryDevice(origin.bytes, 'demo.origin', true) };
}

describe('the overlay device', () => {
  it('reads through to the base, keeps writes (any alignment) in memory, never writes the base', () => {
    const base = new MemoryDevice(Uint8Array.from({ length: 2048 }, (_, i) => i & 0xff), 'base', true);
    const dev = new OverlayDevice(base);
    dev.write(500, Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20));
    const got = new Uint8Array(40);
    dev.read(490, got);
    expect([...got]).toEqual([...[490, 491, 492, 493, 494, 495, 496, 497, 498, 499].map((i) => i & 0xff), ...Array.from({ length: 20 }, (_, i) => i + 1), ...[520, 521, 522, 523, 524, 525, 526, 527, 528, 529].map((i) => i & 0xff)]);
    expect(base.bytes[500]).toBe(500 & 0xff);
    expect(dev.overlayBytes).toBe(1024);
    expect(() => dev.read(2040, new Uint8Array(16))).toThrow(/past the end/);
  });
});

describe('a lesson over an opened store', () => {
  it('runs the real engine on the demo store through an overlay; the store and origin stay untouched', () => {
    const { cow, origin } = demo();
    const before = cow.bytes.slice();
    const s = new TeachSession({ kind: 'device', label: 'demo.cow', cow, origin }, ['write origin 3', 'create', 'write snapshot 0 700', 'delete 1'].map(parseOp));
    expect(s.steps[0]!.text).toMatch(/^demo\.cow, opened through an in-memory overlay: 4 snapshots/);
    expect(s.steps.map((x) => x.kind)).toEqual(expect.arrayContaining(['copy-data', 'exception-add', 'clear-bits', 'free-chunks', 'snapshot-delete']));
    // Not toEqual: vitest compares a 2 MiB array element by element through its generic equality (15-70 s).
    expect(cow.bytes.findIndex((b, i) => b !== before[i]), 'the first byte of the store written').toBe(-1);
    expect(() => exportSession(s)).toThrow(/cannot be exported/);
  });

  it('starts from a dump the same way, and exports with the dump inside', () => {
    const { cow } = demo();
    let text = '';
    runToEnd(dumpTask(cow, dumpWriter('json', (t) => (text += t))));
    const s = new TeachSession({ kind: 'dump', label: 'demo store', dump: text }, [parseOp('write origin 12')]);
    expect(s.steps[0]!.state.snapshots.map((x) => x.name)).toEqual(['base', 'nightly', 'before-upgrade', 'after-upgrade']);
    expect(s.steps.map((x) => x.kind)).toContain('exception-add');
    const back = importSession(JSON.parse(JSON.stringify(exportSession(s))));
    expect(back.steps).toEqual(s.steps);
  });

  it('says plainly when the store is not a shared one', () => {
    const cow = new MemoryDevice(64 * 1024, 'blank.img', true);
    expect(() => new TeachSession({ kind: 'device', label: 'blank.img', cow, origin: null })).toThrow(/not a shared store/);
  });
});
