import { maskSlots, maskToHex } from '../../../src-core/api/mask.ts';
import type { DecodedLeaf, SharedStore } from '../../../src-core/shared/index.ts';
import { COW } from '../grammar.ts';
import type { Command } from '../command.ts';
import { withStore } from '../devices.ts';
import { sharedStore } from '../snapshots.ts';

/** A block of the physical tree, root first; JSON output is this, nested. */
export type TreeBlock =
  | { kind: 'node'; chunk: number; level: number; entries: { key: number | null; child: TreeBlock }[] }
  | { kind: 'leaf'; chunk: number; baseChunk: number; usingMask: string; freeBytes: number; origins: LeafOrigin[] };

interface LeafOrigin {
  origin: number;
  offset: number;
  exceptions: { chunk: number; share: string; slots: number[] }[];
}

export const tree: Command = {
  name: 'tree',
  summary: 'show the physical B-tree of a shared store: every node, leaf, map entry and exception',
  positionals: [{ ...COW, help: 'COW device or image (shared store)' }],
  options: {},
  details: 'Share masks are 64-bit hex; slots lists the snapshots that read each exception.',
  examples: [
    ['tree /tmp/demo/shared.cow', 'the tree, indented, root first'],
    ['tree /tmp/demo/shared.cow --json', 'the same, nested JSON'],
  ],
  run: (args, con) =>
    withStore(args.arg('cow'), false, (store) => {
      const shared = sharedStore(store, 'show a B-tree');
      const root = walk(shared, shared.rootChunk, shared.levels);
      con.result({ root: shared.rootChunk, levels: shared.levels, tree: root }, () => render(root, '').join('\n'));
    }),
};

/** Levels count index levels above the leaves: a block at level 0 is a leaf. */
function walk(store: SharedStore, chunk: number, level: number): TreeBlock {
  if (level === 0) return leafBlock(store.readLeaf(chunk));
  const node = store.readNode(chunk);
  return {
    kind: 'node',
    chunk,
    level,
    entries: node.entries.map((e, i) => ({ key: i === 0 ? null : e.key, child: walk(store, e.chunk, level - 1) })),
  };
}

function leafBlock(leaf: DecodedLeaf): TreeBlock {
  return {
    kind: 'leaf',
    chunk: leaf.chunk,
    baseChunk: leaf.baseChunk,
    usingMask: maskToHex(leaf.usingMask),
    freeBytes: leaf.freeBytes,
    origins: leaf.origins.map((o) => ({
      origin: o.origin,
      offset: o.offset,
      exceptions: o.exceptions.map((x) => ({ chunk: x.chunk, share: maskToHex(x.share), slots: maskSlots(x.share) })),
    })),
  };
}

function render(b: TreeBlock, indent: string): string[] {
  if (b.kind === 'leaf') {
    const head = `${indent}leaf ${b.chunk}: ${b.origins.length} origin chunks, base ${b.baseChunk}, using ${b.usingMask}, ${b.freeBytes} bytes free`;
    return [
      head,
      ...b.origins.map(
        (o) => `${indent}  origin ${o.origin} @${o.offset}: ${o.exceptions.map((x) => `chunk ${x.chunk} share ${x.share} {${x.slots.join(',')}}`).join('; ')}`,
      ),
    ];
  }
  return [
    `${indent}node ${b.chunk} (level ${b.level}, ${b.entries.length} entries)`,
    ...b.entries.flatMap((e) => [`${indent}  key ${e.key ?? '-'} ->`, ...render(e.child, indent + '    ')]),
  ];
}
