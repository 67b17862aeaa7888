// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, expect, it } from 'vitest';
import { TreeNodeBox } from '../../src-renderer/features/btree/TreeNodeBox.tsx';
import type { TreeDatum } from '../../src-renderer/viz/tree-layout.ts';

afterEach(cleanup);

const node = (keys: number[]): TreeDatum => ({
  chunk: 655,
  key: '1:0',
  low: 0,
  high: 41_000,
  open: false,
  block: { kind: 'node', chunk: 655, count: keys.length + 1, entries: [{ key: 0, chunk: 700 }, ...keys.map((key, i) => ({ key, chunk: 701 + i }))] },
});

const box = (d: TreeDatum) =>
  render(
    <svg>
      <TreeNodeBox datum={d} pose={{ x: 0, y: 0, opacity: 1 }} exiting={false} chunkBytes={4096} onPath={false} flashing={false} focused level={2} onActivate={() => {}} onHover={() => {}} />
    </svg>,
  );

// The box shows its separator keys; the screen reader's name for it had none, so a learner
// walking the tree by keyboard could not hear where a node splits its range.
it("a node's accessible name gives its keys, grouped, the first few and how many more", () => {
  box(node([1201, 2402, 3603, 4804, 6005, 7206, 8407]));
  const item = screen.getByRole('treeitem');
  expect(item.getAttribute('aria-label')).toBe('node at chunk 655, 8 children, keys 1,201, 2,402, 3,603, 4,804, 6,005 and 2 more, origin 0–40,999, collapsed');
  cleanup();
  box(node([]));
  expect(screen.getByRole('treeitem').getAttribute('aria-label')).toBe('node at chunk 655, 1 child, no keys, origin 0–40,999, collapsed');
});
