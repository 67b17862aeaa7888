import { useEffect, useRef } from 'react';
import type { TreeBlockDto } from '../../../src-core/api/contract.ts';
import { useApp } from '../../app/store-context.tsx';
import { Card } from '../../ui/Card.tsx';

/** The path a search lit up, whether its leaf maps the chunk, and the way into the leaf. */
export function SearchResult() {
  const path = useApp((s) => s.searchPath);
  const leaf = useApp((s) => (s.searchPath ? s.blocks.get(s.searchPath.leaf) : undefined));
  const openLeaf = useApp((s) => s.openLeaf);
  const clear = useApp((s) => s.clearSearch);
  // Under the tree (a narrow window) or low in a short one, the answer landed below the fold: each
  // search asked for scrolls it into sight, once its leaf's line is there (the card grows by it).
  // A reload after a commit refreshes the path without moving the page.
  const seq = useApp((s) => s.searchSeq);
  const card = useRef<HTMLElement>(null);
  const answered = leaf !== undefined;
  const announce = useApp((s) => s.announce);
  const said = path && leaf ? `Origin chunk ${path.key}: ${answer(leaf, path.key)}` : null;
  useEffect(() => {
    card.current?.scrollIntoView?.({ block: 'nearest' }); // jsdom has none
  }, [seq, answered]);
  // The keyboard stays in the search box: a screen reader hears the answer drawn here, once per
  // search (a reload after a commit redraws it unasked).
  const saidFor = useRef(-1);
  useEffect(() => {
    if (!said || saidFor.current === seq) return;
    saidFor.current = seq;
    announce(said);
  }, [seq, said, announce]);
  if (!path) return null;
  return (
    <Card
      ref={card}
      title={`Origin chunk ${path.key}`}
      labelledBy="result-title"
      actions={
        <button type="button" className="btn btn-sm" onClick={clear}>
          Clear
        </button>
      }
    >
      <p style={{ margin: '0 0 10px' }}>
        Path from the root: <span className="mono" data-testid="search-path">{path.path.join(' → ')}</span>
      </p>
      {leaf && (
        <p style={{ margin: '0 0 10px' }} data-testid="search-answer">
          {answer(leaf, path.key)}
        </p>
      )}
      <button type="button" className="btn btn-primary" onClick={() => void openLeaf(path.leaf)}>
        Open leaf {path.leaf}
      </button>
    </Card>
  );
}

/** A leaf's range holds the key whether or not it has an entry for it: say which. */
function answer(leaf: TreeBlockDto, key: number): string {
  if (leaf.kind !== 'leaf') return '';
  const chunks = leaf.entries.find((e) => e.origin === key)?.exceptions.map((x) => x.chunk) ?? [];
  if (chunks.length === 0) return `Leaf ${leaf.chunk} holds no exception for it: every snapshot reads it from the origin.`;
  return `Leaf ${leaf.chunk} maps it to ${chunks.length === 1 ? 'COW chunk' : 'COW chunks'} ${chunks.join(', ')}.`;
}
