import { useEffect, useState } from 'react';
import type { ChunkInfoResult } from '../../../src-core/api/contract.ts';
import { useApp } from '../../app/store-context.tsx';
import { classLabel } from '../../viz/chunk-class.ts';
import { ROLE_LABELS } from '../../viz/colors.ts';
import { formatCount } from '../../viz/format.ts';
import type { BucketSummary } from '../../viz/occupancy-painter.ts';

/**
 * What is under the pointer: a bucket's chunks by role and owner, or one chunk in detail (its
 * role, the origin chunk it keeps, who reads it, where it is mapped) asked of the API.
 */
export function OccupancyTip({ s, left, top }: { s: BucketSummary; left: number; top: number }) {
  const snapshots = useApp((st) => st.info?.snapshots);
  const name = (slot: number): string => snapshots?.find((x) => x.slot === slot)?.name || `slot ${slot}`;
  const single = s.end - s.first === 1;
  const lines = single
    ? [`chunk ${formatCount(s.first)}: ${classLabel(s.top, name)}`]
    : [`chunks ${formatCount(s.first)}–${formatCount(s.end - 1)}`, ...s.classes.map(([c, n]) => `${classLabel(c, name)}: ${formatCount(n)}`), 'click to zoom in'];
  return (
    <div className="viz-tip" role="tooltip" style={{ left, top }}>
      {lines.join('\n')}
      {single && <ChunkDetail chunk={s.first} name={name} />}
    </div>
  );
}

function ChunkDetail({ chunk, name }: { chunk: number; name: (slot: number) => string }) {
  const ask = useApp((st) => st.chunkInfo);
  const [info, setInfo] = useState<ChunkInfoResult | null>(null);
  useEffect(() => {
    let live = true;
    void ask(chunk).then((r) => live && setInfo(r));
    return () => {
      live = false;
    };
  }, [ask, chunk]);
  if (!info || info.chunk !== chunk) return null;
  const x = info.exception;
  if (!x) return <>{info.role === 'leaf' ? '\nclick to open this leaf' : info.role === 'free' ? '' : `\n${ROLE_LABELS[info.role] ?? info.role}`}</>;
  const readers = x.slots.map(name).join(', ');
  const where = x.leaf !== null ? `in leaf ${x.leaf}: click to open it` : x.entry !== null ? `table entry ${formatCount(x.entry)}: click to show it` : 'mapped nowhere';
  return (
    <>
      {`\ncopy of origin chunk ${formatCount(x.origin)}`}
      {`\nread by ${readers || 'no snapshot'}${x.slots.length > 1 ? ' (shared)' : ''}`}
      {`\n${where}`}
    </>
  );
}
