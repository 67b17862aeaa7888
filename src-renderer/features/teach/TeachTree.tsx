import { useEffect, useMemo, useRef, useState } from 'react';
import type { Focus, TeachState } from '../../../src-core/teach/index.ts';
import { fitBox } from '../../viz/fit.ts';
import { NODE_H, NODE_W, linkPath } from '../../viz/tree-layout.ts';
import { useSvgZoom } from '../btree/use-zoom.ts';
import { answerClass, type Answer } from './answer.ts';
import { TeachBox } from './TeachBox.tsx';
import { GHOST, teachLayout } from './teach-tree.ts';

export interface TeachTreeProps {
  state: TeachState;
  focus: Focus;
  /** The blocks the operation has been about, most recent first (see context.ts). */
  context: readonly number[];
  chunkBytes: number;
  /** Asking the question: boxes are answers, not selections. */
  asking: boolean;
  answer: Answer | null;
  onPoint(chunk: number): void;
}

/** Room above the tree for the zoom buttons over the viewport's top right (8 px in, 28 px tall). */
const TOOLS_CLEARANCE = 48;

/** The B-tree of the step: d3 lays it out, React draws it, d3-zoom moves the camera. */
export function TeachTree({ state, focus, context, chunkBytes, asking, answer, onPoint }: TeachTreeProps) {
  const svg = useRef<SVGSVGElement>(null);
  const layer = useRef<SVGGElement>(null);
  const camera = useSvgZoom(svg, layer);
  const [unfolded, setUnfolded] = useState<ReadonlySet<number>>(new Set());
  const layout = useMemo(() => teachLayout(state, context, unfolded), [state, context, unfolded]);

  // Refit when the drawn extent changes (a split, a new level, a fold opened), not on every step.
  const extent = `${layout.x0},${layout.x1},${layout.y1}`;
  const fit = () => {
    const el = svg.current;
    if (!el || el.clientWidth === 0) return;
    // Centre on this step's blocks when the tree is too wide to fit; else on the operation's latest.
    const xs = layout.nodes.filter((n) => focus.blocks.includes(n.data.chunk)).map((n) => n.x);
    const focusX = xs.length ? (Math.min(...xs) + Math.max(...xs)) / 2 : layout.nodes.find((n) => n.data.chunk === context[0])?.x;
    const box = { x0: layout.x0 - NODE_W / 2, x1: layout.x1 + NODE_W / 2, y0: layout.y0 - NODE_H / 2, y1: layout.y1 + NODE_H / 2 };
    camera.current.fitTo(fitBox(box, el.clientWidth, el.clientHeight, { margin: 24, top: TOOLS_CLEARANCE, minScale: 0.5, maxScale: 1.15, ...(focusX === undefined ? {} : { focusX }) }));
  };
  useEffect(fit, [extent]);

  const onPath = new Set(focus.path);
  const changed = new Set(focus.blocks);
  const ghostLinks = (id: number) => id === GHOST;
  return (
    <div className="viz teach-tree">
      <div className="viz-tools">
        <button type="button" className="btn btn-sm" aria-label="Zoom in" onClick={() => camera.current.zoomBy(1.4)}>
          +
        </button>
        <button type="button" className="btn btn-sm" aria-label="Zoom out" onClick={() => camera.current.zoomBy(1 / 1.4)}>
          −
        </button>
        <button type="button" className="btn btn-sm" onClick={fit}>
          Fit
        </button>
      </div>
      <svg ref={svg} role="group" aria-label="B-tree">
        <g ref={layer}>
          {layout.links
            .filter((l) => !ghostLinks(l.source.data.chunk))
            .map((l) => (
              <path
                key={`${l.source.data.chunk}-${l.target.data.chunk}`}
                className={`tree-link${onPath.has(l.source.data.chunk) && onPath.has(l.target.data.chunk) ? ' path' : ''}${layout.detached.has(l.target.data.chunk) ? ' loose' : ''}`}
                d={linkPath(l.source.x, l.source.y, l.target.x, l.target.y)}
              />
            ))}
          {layout.nodes
            .filter((n) => n.data.chunk !== GHOST)
            .map((n) => (
              <TeachBox
                key={n.data.chunk}
                node={n}
                block={layout.blocks.get(n.data.chunk)}
                isRoot={n.data.chunk === state.tree.root}
                chunkBytes={chunkBytes}
                focus={focus}
                onPath={onPath.has(n.data.chunk)}
                changed={changed.has(n.data.chunk)}
                detached={layout.detached.has(n.data.chunk)}
                asking={asking}
                answer={answerClass(answer, n.data.chunk)}
                onActivate={() => {
                  const unfold = n.data.hidden !== undefined ? (n.parent?.data.chunk ?? 0) : !n.data.open && !asking ? n.data.chunk : null;
                  if (unfold !== null) setUnfolded((u) => new Set([...u, unfold]));
                  if (n.data.hidden === undefined) onPoint(n.data.chunk);
                }}
              />
            ))}
        </g>
      </svg>
    </div>
  );
}
