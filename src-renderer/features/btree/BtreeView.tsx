import { useEffect, useMemo, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useApp } from '../../app/store-context.tsx';
import { useZoomCommand } from '../../app/use-zoom-command.ts';
import { Card } from '../../ui/Card.tsx';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { fitBox } from '../../viz/fit.ts';
import { NODE_H, NODE_W, buildTree, keySummary, layoutTree, linkPath, type TreeDatum } from '../../viz/tree-layout.ts';
import { frameLinks } from '../../viz/tree-motion.ts';
import { ChangeList } from './ChangeList.tsx';
import { SearchBox } from './SearchBox.tsx';
import { SearchResult } from './SearchResult.tsx';
import { TreeNodeBox } from './TreeNodeBox.tsx';
import { useTreeMotion } from './use-tree-motion.ts';
import { useSvgZoom } from './use-zoom.ts';

const HEIGHT = 560;
/** The smallest zoom a fit may choose: keys stay legible; a wider tree pans. */
const READABLE = 0.8;
/** How long a block touched by a structural event stays marked. */
const FLASH_MS = 3000;

export function BtreeView() {
  const { treeRoot, blocks, expanded, unfolded, searchPath, treeError, flashes, chunkBytes, revision, session } = useApp(
    useShallow((s) => ({
      treeRoot: s.treeRoot,
      blocks: s.blocks,
      expanded: s.expanded,
      unfolded: s.unfolded,
      searchPath: s.searchPath,
      treeError: s.treeError,
      flashes: s.flashes,
      chunkBytes: s.info?.chunkBytes ?? 0,
      revision: s.revision,
      session: s.session?.session ?? null,
    })),
  );
  const { loadTree, expand, collapse, unfold, openLeaf } = useApp(useShallow((s) => ({ loadTree: s.loadTree, expand: s.expand, collapse: s.collapse, unfold: s.unfold, openLeaf: s.openLeaf })));
  const svg = useRef<SVGSVGElement>(null);
  const layer = useRef<SVGGElement>(null);
  const camera = useSvgZoom(svg, layer);
  const [tip, setTip] = useState<{ d: TreeDatum; x: number; y: number } | null>(null);

  useEffect(() => {
    void loadTree();
  }, [loadTree, revision]);

  const layout = useMemo(
    () => (treeRoot ? layoutTree(buildTree(treeRoot.root, treeRoot.levels, blocks, expanded, searchPath?.path ?? [], unfolded)) : null),
    [treeRoot, blocks, expanded, searchPath, unfolded],
  );
  const frame = useTreeMotion(layout);
  const fit = (focusX = 0): void => {
    const el = svg.current;
    // A view not laid out (hidden, or a test DOM) has no size to fit into.
    if (layout && el && el.clientWidth > 0) camera.current.fitTo(fitBox({ x0: layout.x0 - NODE_W / 2, x1: layout.x1 + NODE_W / 2, y0: layout.y0 - NODE_H / 2, y1: layout.y1 + NODE_H / 2 }, el.clientWidth, el.clientHeight, { focusX, minScale: READABLE }));
  };
  useZoomCommand((kind) => (kind === 'in' ? camera.current.zoomBy(1.4) : kind === 'out' ? camera.current.zoomBy(1 / 1.4) : fit()));
  // Fit once per store when its tree has loaded; later commits and expansions keep the user's camera.
  const fitted = useRef<string | null>(null);
  useEffect(() => {
    if (layout && session && fitted.current !== session && !searchPath) {
      fitted.current = session;
      fit();
    }
  });
  // A search brings its path into view, centred on the leaf it found.
  useEffect(() => {
    const el = svg.current;
    if (!layout || !el || !searchPath || el.clientWidth === 0) return;
    const path = layout.nodes.filter((n) => searchPath.path.includes(n.data.chunk));
    const leaf = path.find((n) => n.data.chunk === searchPath.leaf);
    if (!leaf) return;
    fitted.current = session;
    const xs = path.map((n) => n.x);
    const ys = path.map((n) => n.y);
    camera.current.fitTo(
      fitBox({ x0: Math.min(...xs) - NODE_W, x1: Math.max(...xs) + NODE_W, y0: Math.min(...ys) - NODE_H / 2, y1: Math.max(...ys) + NODE_H / 2 }, el.clientWidth, el.clientHeight, { focusX: leaf.x }),
    );
  }, [searchPath]);

  const onPath = new Set(searchPath?.path ?? []);
  const recent = Date.now() - FLASH_MS;
  const flashing = new Set(flashes.filter((f) => f.at > recent).flatMap((f) => f.chunks));
  const activate = (d: TreeDatum): void => {
    if (!d.key) return;
    const parent = frame.get(d.key)?.node.parent?.data.key;
    if (d.hidden !== undefined) {
      if (parent) void unfold(parent);
    } else if (d.block?.kind === 'leaf') void openLeaf(d.chunk);
    else if (d.block?.kind === 'node') {
      if (d.open) collapse(d.key);
      else void expand(d.key);
    }
  };
  const box = svg.current?.getBoundingClientRect();
  const shown = [...frame.values()];

  return (
    <div className="page">
      <div className="page-head">
        <h1>B-tree</h1>
        <p>Origin chunk → exceptions. Click a node to expand it, a leaf to inspect it; drag to pan, scroll to zoom.</p>
      </div>
      {treeError && <ErrorAlert error={treeError} onRetry={() => void loadTree()} />}
      <div className="split">
        <Card
          title={treeRoot ? `Root ${treeRoot.root} · ${treeRoot.levels + 1} level${treeRoot.levels ? 's' : ''}` : 'Loading tree…'}
          labelledBy="tree-title"
          actions={
            <div className="row" style={{ gap: 4 }}>
              <button type="button" className="btn btn-sm" aria-label="Zoom in" aria-keyshortcuts="+" onClick={() => camera.current.zoomBy(1.4)}>
                +
              </button>
              <button type="button" className="btn btn-sm" aria-label="Zoom out" aria-keyshortcuts="-" onClick={() => camera.current.zoomBy(1 / 1.4)}>
                −
              </button>
              <button type="button" className="btn btn-sm" aria-keyshortcuts="0" onClick={() => fit()}>
                Fit
              </button>
            </div>
          }
        >
          <div
            className="viz"
            style={{ height: HEIGHT }}
            onKeyDown={(e) => {
              if (e.target instanceof HTMLInputElement) return;
              if (e.key === '+' || e.key === '=') camera.current.zoomBy(1.4);
              else if (e.key === '-') camera.current.zoomBy(1 / 1.4);
              else if (e.key === '0') fit();
            }}
          >
            <svg ref={svg} role="group" aria-label="B-tree of exceptions" data-blocks={blocks.size}>
              <g ref={layer}>
                {frameLinks(frame).map((l) => (
                  <path
                    key={l.key}
                    className={`tree-link${onPath.has(l.parent.node.data.chunk) && onPath.has(l.child.node.data.chunk) ? ' path' : ''}`}
                    style={{ opacity: l.child.pose.opacity }}
                    d={linkPath(l.source.x, l.source.y, l.target.x, l.target.y)}
                  />
                ))}
                {shown.map((s) => (
                  <TreeNodeBox
                    key={s.key}
                    datum={s.node.data}
                    pose={s.pose}
                    exiting={s.exiting}
                    chunkBytes={chunkBytes}
                    onPath={onPath.has(s.node.data.chunk)}
                    flashing={flashing.has(s.node.data.chunk)}
                    onActivate={activate}
                    onHover={(d, x, y) => setTip(d && d.hidden === undefined ? { d, x, y } : null)}
                  />
                ))}
              </g>
            </svg>
            {tip && box && <NodeTip d={tip.d} left={tip.x - box.left + 14} top={tip.y - box.top + 14} />}
          </div>
        </Card>
        <div className="grid" style={{ gap: 16 }}>
          <SearchBox />
          <SearchResult />
          <ChangeList />
        </div>
      </div>
    </div>
  );
}

function NodeTip({ d, left, top }: { d: TreeDatum; left: number; top: number }) {
  const b = d.block;
  const lines = [`chunk ${d.chunk}`];
  if (b?.kind === 'node') lines.push(`node, ${b.count} children`, `keys: ${keySummary(b.entries.slice(1).map((e) => e.key), 72) || '—'}`);
  if (b?.kind === 'leaf') lines.push(`leaf, ${b.count} origin chunks, ${b.freeBytes} bytes free`, `origin ${b.entries[0]?.origin ?? '—'}…${b.entries.at(-1)?.origin ?? '—'}`);
  return (
    <div className="viz-tip" style={{ left, top }} role="tooltip">
      {lines.join('\n')}
    </div>
  );
}
