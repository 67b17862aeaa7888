import type { HierarchyPointNode } from 'd3';
import type { Focus, TeachBlock } from '../../../src-core/teach/index.ts';
import { NODE_H, NODE_W, leafFill, type TreeDatum } from '../../viz/tree-layout.ts';
import { LeafBoxBody } from '../../ui/LeafBoxBody.tsx';
import { originSpan } from './teach-tree.ts';

export interface TeachBoxProps {
  node: HierarchyPointNode<TreeDatum>;
  block: TeachBlock | undefined;
  isRoot: boolean;
  chunkBytes: number;
  focus: Focus;
  onPath: boolean;
  changed: boolean;
  detached: boolean;
  asking: boolean;
  /** ' answer-ok' or ' answer-bad' when this box was pointed at as an answer. */
  answer: string;
  onActivate(): void;
}

/** One block of the lesson's tree: a node with its keys, a leaf with its origin chunks, or a fold. */
export function TeachBox({ node, block, isRoot, chunkBytes, focus, onPath, changed, detached, asking, answer, onActivate }: TeachBoxProps) {
  const d = node.data;
  const hidden = d.hidden;
  const label =
    hidden !== undefined
      ? `${hidden} more block${hidden === 1 ? '' : 's'}, folded; show them`
      : block?.kind === 'node'
        ? `${isRoot ? 'root node' : 'node'} ${d.chunk}, ${block.children.length} children${d.open ? '' : ' (folded)'}, keys ${block.keys.slice(1).join(', ') || 'none'}`
        : `leaf ${d.chunk}, origin chunks ${block ? originSpan(block) : '?'}`;
  const cls = ['tree-node', 'teach-box', onPath && 'path', changed && 'changed', detached && 'detached', asking && hidden === undefined && 'pickable'].filter(Boolean).join(' ') + answer;
  return (
    <g
      className={cls}
      style={{ transform: `translate(${node.x - NODE_W / 2}px, ${node.y - NODE_H / 2}px)` }}
      tabIndex={0}
      role="button"
      aria-label={label}
      data-chunk={hidden === undefined ? d.chunk : undefined}
      data-kind={hidden !== undefined ? 'fold' : block?.kind}
      onClick={onActivate}
      onKeyDown={(e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          onActivate();
        }
      }}
    >
      <rect width={NODE_W} height={NODE_H} rx={6} className={hidden !== undefined ? 'pending-box' : block?.kind === 'leaf' ? 'leaf-box' : 'node-box'} />
      {hidden !== undefined ? (
        <text x={NODE_W / 2} y={27} textAnchor="middle" className="box-sub">
          +{hidden} more
        </text>
      ) : block?.kind === 'node' ? (
        <>
          <text x={10} y={18} className="box-title">
            {isRoot ? 'root' : 'node'} {d.chunk}
            {d.open ? '' : ` ▸ ${block.children.length}`}
          </text>
          <text x={10} y={35} className="box-sub">
            {keys(block.keys.slice(1), focus.key)}
          </text>
        </>
      ) : (
        <LeafBoxBody
          chunk={d.chunk}
          sub={block ? (block.kind === 'leaf' && block.entries.length === 0 ? 'no entries' : `origin ${originSpan(block)}`) : ''}
          fill={block?.kind === 'leaf' ? leafFill(block.freeBytes, chunkBytes) : 0}
        />
      )}
    </g>
  );
}

/** A node's keys, the one that just moved up picked out; long lists keep the moved key in view. */
function keys(list: readonly number[], moved: number | null) {
  if (list.length === 0) return 'one child';
  const at = moved === null ? -1 : list.indexOf(moved);
  const from = at > 3 ? at - 2 : 0;
  const shown = list.slice(from, from + 4);
  return (
    <>
      {from > 0 && '… '}
      {shown.map((k, i) => (
        <tspan key={k} className={k === moved ? 'key-moved' : undefined}>
          {i > 0 ? ' · ' : ''}
          {k}
        </tspan>
      ))}
      {from + 4 < list.length && ' …'}
    </>
  );
}
