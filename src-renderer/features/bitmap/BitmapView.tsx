import { useState } from 'react';
import { useApp } from '../../app/store-context.tsx';
import { Card } from '../../ui/Card.tsx';
import { RoleLegend } from '../../ui/Legend.tsx';
import { PERSISTENT_ROLES, SHARED_ROLES } from '../../viz/colors.ts';
import type { BucketSummary } from '../../viz/occupancy-painter.ts';
import { OccupancyMap } from '../occupancy/OccupancyMap.tsx';

export function BitmapView() {
  const format = useApp((s) => s.info?.format);
  const findLeafOfChunk = useApp((s) => s.findLeafOfChunk);
  const openLeaf = useApp((s) => s.openLeaf);
  const loadTree = useApp((s) => s.loadTree);
  const [note, setNote] = useState<string | null>(null);
  const [focus, setFocus] = useState<number | null>(null);
  const [goTo, setGoTo] = useState('');
  const openLeafOf = async (chunk: number): Promise<void> => {
    setNote(`Looking for the leaf of chunk ${chunk}…`);
    await loadTree();
    const leaf = await findLeafOfChunk(chunk);
    if (leaf === null) setNote(`No leaf maps chunk ${chunk}: it holds no exception data.`);
    else await openLeaf(leaf);
  };
  const pick = async (b: BucketSummary): Promise<void> => {
    setFocus(b.first);
    if (format !== 'shared') return;
    if (b.role === 'leaf') return openLeaf(b.first);
    if (b.role !== 'exception') return setNote(`Chunk ${b.first} is ${b.role === 'free' ? 'free' : `a ${b.role} chunk`}; only exception and leaf chunks lead to a leaf.`);
    await openLeafOf(b.first);
  };
  const target = Number(goTo);
  const valid = goTo.trim() !== '' && Number.isInteger(target) && target >= 0;
  return (
    <div className="page">
      <div className="page-head">
        <h1>Occupancy</h1>
        <p>Every chunk of the COW device by role. Scroll or press + and − to zoom, drag to pan; click a bucket to zoom into it, an exception chunk to open its leaf.</p>
      </div>
      <Card title="COW chunks" labelledBy="occ-title" actions={<RoleLegend roles={format === 'persistent' ? PERSISTENT_ROLES : SHARED_ROLES} />}>
        <form
          className="row"
          style={{ marginBottom: 10 }}
          onSubmit={(e) => {
            e.preventDefault();
            if (valid) setFocus(target);
          }}
        >
          <input className="input mono" style={{ width: 160 }} aria-label="Go to COW chunk" placeholder="COW chunk" value={goTo} onChange={(e) => setGoTo(e.target.value)} />
          <button type="submit" className="btn" disabled={!valid}>
            Go to chunk
          </button>
          {focus !== null && format === 'shared' && (
            <button type="button" className="btn" onClick={() => void openLeafOf(focus)}>
              Open the leaf of chunk {focus}
            </button>
          )}
        </form>
        <OccupancyMap height={460} onPick={(b) => void pick(b)} focus={focus} />
        {note && (
          <p className="muted" role="status" style={{ margin: '10px 0 0' }}>
            {note}
          </p>
        )}
      </Card>
    </div>
  );
}
