import { useEffect, useMemo, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useApp } from '../../app/store-context.tsx';
import { useZoomCommand } from '../../app/use-zoom-command.ts';
import { Card } from '../../ui/Card.tsx';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { cssVar, sizeCanvas } from '../../ui/use-canvas.ts';
import { fitBox } from '../../viz/fit.ts';
import { NODE_H, NODE_W, buildTree, keySummary, layoutTree, linkPath, type TreeDatum } from '../../viz/tree-layout.ts';
import { lodFor, MOTION_NODES, paintLinks, paintOverview, staticFrame, SVG_LINKS, treeNeighbour, type OverviewPalette, type TreeLod } from '../../viz/tree-lod.ts';
import { frameLinks } from '../../viz/tree-motion.ts';
import './btree.css';
import { ChangeList } from './ChangeList.tsx';
import { SearchBox } from './SearchBox.tsx';
import { SearchResult } from './SearchResult.tsx';
import { TreeNodeBox } from './TreeNodeBox.tsx';
import { useTreeMotion } from './use-tree-motion.ts';
import { Minimap, placeMinimapView } from './Minimap.tsx';
import { MIN_ZOOM, useSvgZoom, type Transform } from './use-zoom.ts';
import { indexLevels } from '../../viz/format.ts';

const HEIGHT = 560;
/** The first view's least zoom: box text at about 9 px. */
const READABLE_ZOOM = 0.8;
/** Fit's glide: short, so the whole tree is in view within a frame budget of ~200 ms. */
const FIT_MS = 140;
/** How long a block touched by a structural event stays marked. */
const FLASH_MS = 3000;
/** Boxes beyond this many are drawn only near the view (the rest wait, off screen, for a pan). */
const CULL_NODES = 150;
const ARROWS: Record<string, 'left' | 'right' | 'up' | 'down' | 'home' | 'end'> = { ArrowLeft: 'left', ArrowRight: 'right', ArrowUp: 'up', ArrowDown: 'down', Home: 'home', End: 'end' };

/**
 * The B-tree explorer. The camera (d3-zoom) lives outside React: pan and zoom rewrite one
 * transform attribute, repaint the link canvas and move the minimap's rectangle; React renders
 * again only when the level of detail changes (boxes → marks → density strips as zoom falls) or
 * a pan leaves the window of boxes drawn around the view. Fit shows the whole drawn tree however
 * wide. The boxes form an ARIA tree: arrow keys move between levels and siblings, Enter opens.
 */
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
  const links = useRef<HTMLCanvasElement>(null);
  const miniView = useRef<HTMLDivElement>(null);
  const [tip, setTip] = useState<{ d: TreeDatum; x: number; y: number } | null>(null);
  const [lod, setLod] = useState<TreeLod>('box');
  const [windowX, setWindowX] = useState<[number, number] | null>(null);
  const [focusKey, setFocusKey] = useState<string | null>(null);

  useEffect(() => {
    void loadTree();
  }, [loadTree, revision]);

  const layout = useMemo(
    () => (treeRoot ? layoutTree(buildTree(treeRoot.root, treeRoot.levels, blocks, expanded, searchPath?.path ?? [], unfolded)) : null),
    [treeRoot, blocks, expanded, searchPath, unfolded],
  );
  const wide = (layout?.nodes.length ?? 0) > MOTION_NODES;
  /** Boxes on the tree's widest level (for tests and the benchmark). */
  const widest = useMemo(() => {
    const perDepth = new Map<number, number>();
    for (const n of layout?.nodes ?? []) perDepth.set(n.depth, (perDepth.get(n.depth) ?? 0) + 1);
    return Math.max(0, ...perDepth.values());
  }, [layout]);
  const animated = useTreeMotion(wide ? null : layout);
  const still = useMemo(() => (layout && wide ? staticFrame(layout) : null), [layout, wide]);
  const frame = still ?? animated;
  const linkCount = Math.max(0, frame.size - 1);
  const onCanvas = linkCount > SVG_LINKS;

  // Everything the camera drives, outside React: the link canvas, the minimap, the window, the LOD.
  const onPath = useMemo(() => new Set(searchPath?.path ?? []), [searchPath]);
  const latest = useRef({ frame, layout, onCanvas, onPath, cull: frame.size > CULL_NODES });
  latest.current = { frame, layout, onCanvas, onPath, cull: frame.size > CULL_NODES };
  const windowRef = useRef<[number, number] | null>(null);
  /**
   * The svg's size, kept by a ResizeObserver: reading clientWidth right after the camera wrote the
   * transform would force a layout of every box in the frame's script.
   */
  const size = useRef({ w: 0, h: 0 });
  useEffect(() => {
    const el = svg.current;
    if (!el) return;
    const measure = (): void => void (size.current = { w: el.clientWidth, h: el.clientHeight });
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  const overlayFrame = useRef(0);
  const drawOverlays = (): void => {
    cancelAnimationFrame(overlayFrame.current);
    overlayFrame.current = requestAnimationFrame(() => {
      const el = svg.current;
      const { frame: f, layout: l, onCanvas: c } = latest.current;
      if (!el || !l) return;
      const t = camera.current.current();
      const { w, h } = size.current;
      const ctx = links.current && sizeCanvas(links.current, w, h);
      const detail = lodFor(t.k);
      if (ctx) {
        if (detail !== 'box') paintOverview(ctx, f, t, w, h, detail, latest.current.onPath, overviewPalette());
        else if (c) paintLinks(ctx, f, t, w, h, cssVar('--border', '#d5d9e0'));
        else ctx.clearRect(0, 0, w, h);
      }
      placeMinimapView(miniView.current, l, t, w, h);
      // Whether the whole drawn tree is in view (for tests and people reading the DOM).
      el.dataset.fits = String((l.x0 - NODE_W / 2) * t.k + t.x >= -1 && (l.x1 + NODE_W / 2) * t.k + t.x <= w + 1);
    });
  };
  const onTransform = (t: Transform): void => {
    setLod(lodFor(t.k));
    const el = svg.current;
    if (el && latest.current.cull) {
      const vx0 = -t.x / t.k;
      const vx1 = (size.current.w - t.x) / t.k;
      const w = windowRef.current;
      const span = vx1 - vx0;
      // Redrawn when the view leaves the window, or zooms in well inside it (fewer boxes to draw).
      if (!w || vx0 < w[0] || vx1 > w[1] || w[1] - w[0] > 6 * span) {
        windowRef.current = [vx0 - span, vx1 + span];
        setWindowX(windowRef.current);
      }
    }
    drawOverlays();
  };
  const camera = useSvgZoom(svg, layer, onTransform);
  useEffect(drawOverlays, [frame, layout, onCanvas, onPath, lod]);

  /** The whole tree in view; with `minScale` (the first view), no smaller than that, centred on `focusX` where it does not fit. */
  const fit = (focusX = 0, minScale = MIN_ZOOM): void => {
    const el = svg.current;
    // A view not laid out (hidden, or a test DOM) has no size to fit into.
    if (layout && el && el.clientWidth > 0) camera.current.fitTo(fitBox({ x0: layout.x0 - NODE_W / 2, x1: layout.x1 + NODE_W / 2, y0: layout.y0 - NODE_H / 2, y1: layout.y1 + NODE_H / 2 }, el.clientWidth, el.clientHeight, { focusX, minScale }), FIT_MS);
  };
  /** Centres the camera on layout point (x, y), at least at box detail when `readable`. */
  const centreOn = (x: number, y: number, readable: boolean, ms = 250): void => {
    const el = svg.current;
    if (!el || el.clientWidth === 0) return;
    const k = readable ? Math.max(camera.current.current().k, 0.6) : camera.current.current().k;
    camera.current.fitTo({ k, x: el.clientWidth / 2 - x * k, y: el.clientHeight / 2 - y * k }, ms);
  };
  useZoomCommand((kind) => (kind === 'in' ? camera.current.zoomBy(1.4) : kind === 'out' ? camera.current.zoomBy(1 / 1.4) : fit()));
  // Fit once per store when its tree has loaded, readable (a wide root is centred, not shrunk to
  // specks); later commits and expansions keep the user's camera.
  const fitted = useRef<string | null>(null);
  useEffect(() => {
    if (layout && session && fitted.current !== session && !searchPath) {
      fitted.current = session;
      fit(0, READABLE_ZOOM);
    }
  });
  // A search brings its path into view, centred on the leaf it found, and puts the keyboard there.
  useEffect(() => {
    const el = svg.current;
    if (!layout || !el || !searchPath || el.clientWidth === 0) return;
    const path = layout.nodes.filter((n) => searchPath.path.includes(n.data.chunk));
    const leaf = path.find((n) => n.data.chunk === searchPath.leaf);
    if (!leaf) return;
    fitted.current = session;
    setFocusKey(leaf.data.key ?? null);
    const xs = path.map((n) => n.x);
    const ys = path.map((n) => n.y);
    camera.current.fitTo(
      fitBox({ x0: Math.min(...xs) - NODE_W, x1: Math.max(...xs) + NODE_W, y0: Math.min(...ys) - NODE_H / 2, y1: Math.max(...ys) + NODE_H / 2 }, el.clientWidth, el.clientHeight, { focusX: leaf.x }),
    );
  }, [searchPath]);

  // The keyboard's box takes DOM focus once it is drawn (after a move brought it into the window).
  const keyboard = useRef(false);
  useEffect(() => {
    if (!keyboard.current || !focusKey) return;
    const box = svg.current?.querySelector<SVGGElement>(`[data-key="${CSS.escape(focusKey)}"]`);
    if (box && document.activeElement !== box) box.focus({ preventScroll: true });
  });

  const recent = Date.now() - FLASH_MS;
  const flashing = new Set(flashes.filter((f) => f.at > recent).flatMap((f) => f.chunks));
  const activate = (d: TreeDatum): void => {
    if (!d.key) return;
    const parent = frame.get(d.key)?.node.parent?.data.key;
    // A fold goes away when it opens: the keyboard stays on its parent.
    setFocusKey(d.hidden !== undefined && parent ? parent : d.key);
    if (d.hidden !== undefined) {
      if (parent) void unfold(parent);
    } else if (d.block?.kind === 'leaf') void openLeaf(d.chunk);
    else if (d.block?.kind === 'node') {
      if (d.open) collapse(d.key);
      else void expand(d.key);
    }
  };
  const move = (key: string): void => {
    const node = layout?.nodes.find((n) => n.data.key === key);
    if (!node) return;
    keyboard.current = true;
    setFocusKey(key);
    const el = svg.current;
    const t = camera.current.current();
    const sx = node.x * t.k + t.x;
    const sy = node.y * t.k + t.y;
    const off = !el || sx < NODE_W || sx > el.clientWidth - NODE_W || sy < NODE_H || sy > el.clientHeight - NODE_H;
    if (off || lodFor(t.k) !== 'box') centreOn(node.x, node.y, true);
  };
  const box = svg.current?.getBoundingClientRect();
  const shown = [...frame.values()];
  const rootKey = layout?.nodes[0]?.data.key ?? null;
  const keyed = focusKey !== null && frame.has(focusKey) ? focusKey : rootKey;
  const inWindow = (x: number): boolean => !latest.current.cull || !windowX || (x >= windowX[0] - NODE_W && x <= windowX[1] + NODE_W);

  return (
    <div className="page">
      <div className="page-head">
        <h1>B-tree</h1>
        <p>Origin chunk → exceptions. Click a node to expand it, a leaf to inspect it; drag to pan, scroll to zoom; arrow keys walk the tree, Enter opens.</p>
      </div>
      {treeError && <ErrorAlert error={treeError} onRetry={() => void loadTree()} />}
      <div className="split">
        <Card
          title={treeRoot ? `Root ${treeRoot.root} · depth ${treeRoot.levels + 1} (${treeRoot.levels} ${indexLevels(treeRoot.levels)})` : 'Loading tree…'}
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
              const arrow = ARROWS[e.key];
              if (arrow && layout && keyed) {
                e.preventDefault();
                const next = treeNeighbour(layout, keyed, arrow);
                if (next) move(next);
                else if (arrow === 'down') {
                  const d = frame.get(keyed)?.node.data;
                  if (d?.block?.kind === 'node' && !d.open) void expand(keyed);
                }
              } else if (e.key === '+' || e.key === '=') camera.current.zoomBy(1.4);
              else if (e.key === '-') camera.current.zoomBy(1 / 1.4);
              else if (e.key === '0') fit();
            }}
          >
            <canvas ref={links} className="tree-links" />
            <svg ref={svg} className="tree-svg" role="tree" aria-label="B-tree of exceptions" data-blocks={blocks.size} data-widest={widest} data-lod={lod} data-drawn={lod === 'box' ? shown.filter((s) => inWindow(s.pose.x)).length : 0} data-links={onCanvas ? 'canvas' : 'svg'}>
              <g ref={layer}>
                {!onCanvas &&
                  lod === 'box' &&
                  frameLinks(frame).map((l) => (
                    <path
                      key={l.key}
                      className={`tree-link${onPath.has(l.parent.node.data.chunk) && onPath.has(l.child.node.data.chunk) ? ' path' : ''}`}
                      style={{ opacity: l.child.pose.opacity }}
                      d={linkPath(l.source.x, l.source.y, l.target.x, l.target.y)}
                    />
                  ))}
                {lod === 'box' &&
                  shown
                    .filter((s) => inWindow(s.pose.x))
                    .map((s) => (
                      <TreeNodeBox
                        key={s.key}
                        datum={s.node.data}
                        pose={s.pose}
                        exiting={s.exiting}
                        chunkBytes={chunkBytes}
                        onPath={onPath.has(s.node.data.chunk)}
                        flashing={flashing.has(s.node.data.chunk)}
                        focused={s.key === keyed}
                        level={s.node.depth + 1}
                        onActivate={activate}
                        onHover={(d, x, y) => setTip(d && d.hidden === undefined ? { d, x, y } : null)}
                      />
                    ))}
              </g>
            </svg>
            {lod !== 'box' && (
              <span className="tree-lod muted" role="status">
                {lod === 'mark' ? 'Zoomed out: boxes as marks' : 'Zoomed out: boxes per level as density'} — zoom in or use the arrow keys for detail
              </span>
            )}
            {layout && <Minimap layout={layout} view={miniView} onJump={(x, y) => centreOn(x, y, false, 0)} />}
            {tip && box && lod === 'box' && <NodeTip d={tip.d} left={tip.x - box.left + 14} top={tip.y - box.top + 14} />}
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

function overviewPalette(): OverviewPalette {
  return {
    node: cssVar('--muted', '#69707d'),
    leaf: cssVar('--accent', '#2f6fdf'),
    more: cssVar('--border', '#d5d9e0'),
    link: cssVar('--border', '#d5d9e0'),
    path: cssVar('--focus', '#f59e0b'),
    text: cssVar('--muted', '#69707d'),
  };
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
