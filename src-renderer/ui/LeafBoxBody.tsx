import { NODE_W } from '../viz/tree-layout.ts';

/** The inside of a leaf's box, the same in the explorer and the teaching tree: title, one line, fill bar (0..1). */
export function LeafBoxBody({ chunk, sub, fill }: { chunk: number; sub: string; fill: number }) {
  return (
    <>
      <text x={10} y={17} className="box-title">
        leaf {chunk}
      </text>
      <text x={10} y={31} className="box-sub">
        {sub}
      </text>
      <rect x={10} y={37} width={NODE_W - 20} height={4} rx={2} className="fill-track" />
      <rect x={10} y={37} width={(NODE_W - 20) * fill} height={4} rx={2} className="fill-bar" />
    </>
  );
}
