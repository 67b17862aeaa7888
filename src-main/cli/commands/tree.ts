import { maskSlots, maskToHex } from '../../../src-core/api/mask.ts';
import { SnapscopeError } from '../../../src-core/errors.ts';
import { detectFormat } from '../../../src-core/open.ts';
import { EXCEPTION_BYTES, type LeafView } from '../../../src-core/shared/format/leaf.ts';
import type { NodeView } from '../../../src-core/shared/format/node.ts';
import { toBigMask } from '../../../src-core/shared/mask.ts';
import { SharedWalk } from '../../../src-core/walk/shared.ts';
import { COW } from '../grammar.ts';
import { JSON_SCHEMA } from '../json.ts';
import type { Command } from '../command.ts';
import { withDevice } from '../devices.ts';
import { plural } from '../plural.ts';

/**
 * A block of the physical tree, root first; JSON output is this, nested:
 * `{root, levels, tree: TreeBlock}` with nodes `{kind:'node', chunk, level, entries:[{key, child}]}`
 * (key null for entry 0) and leaves `{kind:'leaf', chunk, baseChunk, usingMask, freeBytes, origins}`.
 */
export const tree: Command = {
  name: 'tree',
  summary: 'show the physical B-tree of a shared store: every node, leaf, map entry and exception',
  positionals: [{ ...COW, help: 'COW device or image (shared store)' }],
  options: {},
  details: 'Share masks are 64-bit hex; slots lists the snapshots that read each exception. Streams: memory stays bounded whatever the tree size.',
  examples: [
    ['tree /tmp/demo/shared.cow', 'the tree, indented, root first'],
    ['tree /tmp/demo/shared.cow --json', 'the same, nested JSON'],
  ],
  async run(args, con) {
    await withDevice(args.arg('cow'), 'COW', false, async (dev, noted) => {
      if (detectFormat(dev) !== 'shared') {
        throw new SnapscopeError('unsupported', `cannot show a B-tree: ${dev.name} is a persistent COW, which has an exception table, not a tree`, { device: dev.name });
      }
      // The strict walk (open's rules): the first damage is an error naming where it is; the
      // blocks come depth first, left to right, each printed as it is judged.
      const out = new TreeWriter(con.json);
      const walk = new SharedWalk(dev, { block: (chunk, kind, depth, _used, _cap, _clean, view) => out.block(chunk, kind, depth, view) }, 'strict');
      out.begin(walk.header!.rootChunk, walk.header!.treeLevel);
      // The input's note comes before the first output; the walk runs while it is looked for.
      while (!walk.step()) {
        if (out.pending <= 1 << 16) continue;
        await noted;
        con.write(out.take());
      }
      out.end();
      await noted;
      con.write(out.take());
    });
  },
};

/** Text or JSON for one block at a time; only the open nodes on the current path are remembered. */
class TreeWriter {
  private text: string[] = [];
  private bytes = 0;
  private levels = 0;
  /** Per open node (by depth): its keys, and entries written so far. */
  private readonly open: { keys: (number | null)[]; next: number }[] = [];

  constructor(private readonly json: boolean) {}

  get pending(): number {
    return this.bytes;
  }

  take(): string {
    const s = this.text.join('');
    this.text = [];
    this.bytes = 0;
    return s;
  }

  begin(root: number, levels: number): void {
    this.levels = levels;
    if (this.json) this.put(`{"schema":${JSON_SCHEMA},"root":${root},"levels":${levels},"tree":`);
  }

  block(chunk: number, kind: 'node' | 'leaf', depth: number, view: NodeView | LeafView): void {
    this.closeTo(depth);
    const indent = '    '.repeat(depth);
    if (depth > 0) {
      const parent = this.open[depth - 1]!;
      const i = parent.next++;
      const key = parent.keys[i] ?? null;
      this.put(this.json ? `${i > 0 ? ',' : ''}{"key":${key},"child":` : `${'    '.repeat(depth - 1)}  key ${key ?? '-'} ->\n`);
    }
    if (kind === 'node') {
      const n = view as NodeView;
      const keys: (number | null)[] = [null];
      for (let i = 1; i < n.count; i++) keys.push(n.key(i));
      const level = this.levels - depth;
      this.put(this.json ? `{"kind":"node","chunk":${chunk},"level":${level},"entries":[` : `${indent}node ${chunk} (level ${level}, ${plural(n.count, 'entry', 'entries')})\n`);
      this.open.push({ keys, next: 0 });
      return;
    }
    this.leaf(chunk, view as LeafView, indent);
    if (this.json && depth > 0) this.put('}');
  }

  end(): void {
    this.closeTo(0);
    if (this.json) this.put('}\n');
  }

  private leaf(chunk: number, l: LeafView, indent: string): void {
    const origins: string[] = [];
    for (let i = 0; i < l.count; i++) {
      const start = l.listStart(i);
      const exceptions: string[] = [];
      for (let e = start; e < l.listStart(i + 1); e += EXCEPTION_BYTES) {
        const share = toBigMask(l.shareLo(e), l.shareHi(e));
        const slots = maskSlots(share);
        exceptions.push(this.json ? `{"chunk":${l.exceptionChunk(e)},"share":"${maskToHex(share)}","slots":[${slots.join(',')}]}` : `chunk ${l.exceptionChunk(e)} share ${maskToHex(share)} {${slots.join(',')}}`);
      }
      origins.push(this.json ? `{"origin":${l.origin(i)},"offset":${start},"exceptions":[${exceptions.join(',')}]}` : `${indent}  origin ${l.origin(i)} @${start}: ${exceptions.join('; ')}\n`);
    }
    const using = maskToHex(toBigMask(l.usingLo, l.usingHi));
    if (this.json) this.put(`{"kind":"leaf","chunk":${chunk},"baseChunk":${l.baseChunk},"usingMask":"${using}","freeBytes":${l.freeBytes()},"origins":[${origins.join(',')}]}`);
    else this.put(`${indent}leaf ${chunk}: ${plural(l.count, 'origin chunk')}, base ${l.baseChunk}, using ${using}, ${plural(l.freeBytes(), 'byte')} free\n${origins.join('')}`);
  }

  /** Closes open nodes at `depth` and deeper: the next block is a sibling of one of them, or further up. */
  private closeTo(depth: number): void {
    while (this.open.length > depth) {
      this.open.pop();
      if (this.json) this.put(this.open.length > 0 ? ']}}' : ']}');
    }
  }

  private put(s: string): void {
    this.text.push(s);
    this.bytes += s.length;
  }
}
