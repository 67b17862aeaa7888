import { NODE_H, NODE_W, keySummary, leafFill, type TreeDatum } from '../../viz/tree-layout.ts';
import type { Pose } from '../../viz/tree-motion.ts';
import { formatCount } from '../../viz/format.ts';
import { LeafBoxBody } from '../../ui/LeafBoxBody.tsx';

export interface NodeBoxProps {
  datum: TreeDatum;
  /** Where the motion has it this frame (centre and opacity). */
  pose: Pose;
  /** Leaving the tree (collapsed, merged away): drawn, but no longer a control. */
  exiting: boolean;
  chunkBytes: number;
  onPath: boolean;
  flashing: boolean;
  /** The keyboard's box: the one stop of the tree in the tab order (roving tabindex). */
  focused: boolean;
  /** 1 for the root. */
  level: number;
  onActivate: (d: TreeDatum) => void;
  onHover: (d: TreeDatum | null, x: number, y: number) => void;
}

/** One block of the tree: a node with its keys, or a leaf with its chunk range and fill. */
export function TreeNodeBox({ datum: d, pose, exiting, chunkBytes, onPath, flashing, focused, level, onActivate, onHover }: NodeBoxProps) {
  const b = d.block;
  const range = `${formatCount(d.low)}–${d.high === null ? '∞' : formatCount(d.high - 1)}`;
  const label =
    d.hidden !== undefined
      ? `${d.hidden} more children, show all`
      : b === null
        ? `block ${d.chunk}, loading`
        : b.kind === 'node'
          ? `node at chunk ${d.chunk}, ${b.count === 1 ? '1 child' : `${b.count} children`}, ${spokenKeys(b.entries.slice(1).map((e) => e.key))}, origin ${range}, ${d.open ? 'expanded' : 'collapsed'}`
          : `leaf at chunk ${d.chunk}, ${b.count} origin chunks, origin ${range}`;
  const fill = b?.kind === 'leaf' ? leafFill(b.freeBytes, chunkBytes) : 0;
  const cls = `tree-node explorer${onPath ? ' path' : ''}${flashing ? ' flash' : ''}${focused ? ' focused' : ''}`;
  return (
    <g
      className={cls}
      transform={`translate(${pose.x - NODE_W / 2},${pose.y - NODE_H / 2})`}
      opacity={pose.opacity}
      tabIndex={!exiting && focused ? 0 : -1}
      role={exiting ? undefined : 'treeitem'}
      aria-level={exiting ? undefined : level}
      aria-expanded={!exiting && b?.kind === 'node' ? d.open : undefined}
      aria-selected={exiting ? undefined : focused}
      aria-hidden={exiting || undefined}
      aria-label={exiting ? undefined : label}
      data-chunk={d.chunk}
      data-key={d.key}
      data-kind={d.hidden !== undefined ? 'more' : (b?.kind ?? 'pending')}
      onClick={() => !exiting && onActivate(d)}
      onKeyDown={(e) => {
        if (!exiting && (e.key === 'Enter' || e.key === ' ')) {
          e.preventDefault();
          onActivate(d);
        }
      }}
      onMouseEnter={(e) => onHover(d, e.clientX, e.clientY)}
      onMouseMove={(e) => onHover(d, e.clientX, e.clientY)}
      onMouseLeave={() => onHover(null, 0, 0)}
      onFocus={() => onHover(null, 0, 0)}
    >
      <rect width={NODE_W} height={NODE_H} rx={6} className={b?.kind === 'leaf' ? 'leaf-box' : b ? 'node-box' : d.hidden !== undefined ? 'more-box' : 'pending-box'} />
      {d.hidden !== undefined ? (
        <text x={NODE_W / 2} y={27} textAnchor="middle" className="box-sub">
          +{formatCount(d.hidden)} more
        </text>
      ) : b === null ? (
        <text x={10} y={27} className="box-sub">
          chunk {d.chunk} …
        </text>
      ) : b.kind === 'node' ? (
        <>
          <text x={10} y={17} className="box-title">
            node {d.chunk} {d.open ? '▾' : '▸'}
          </text>
          <text x={10} y={34} className="box-sub">
            {keySummary(b.entries.slice(1).map((e) => e.key)) || 'one child'}
          </text>
        </>
      ) : (
        <LeafBoxBody chunk={d.chunk} sub={range} fill={fill} />
      )}
    </g>
  );
}

/** A node's separator keys for its accessible name: the first few, grouped, and how many more. */
function spokenKeys(keys: readonly number[]): string {
  if (keys.length === 0) return 'no keys';
  const said = keys.slice(0, 5).map(formatCount).join(', ');
  return `keys ${said}${keys.length > 5 ? ` and ${keys.length - 5} more` : ''}`;
}
