import { useEffect, useMemo, useState } from 'react';
import { useApp } from '../../app/store-context.tsx';
import { Card } from '../../ui/Card.tsx';
import { ChunkLegend } from '../../ui/Legend.tsx';
import { leadsNowhere } from '../../store/occupancy-slice.ts';
import { leakedChunks } from '../../viz/chunk-class.ts';
import { formatCount } from '../../viz/format.ts';
import { OccupancyMap } from '../occupancy/OccupancyMap.tsx';

export function BitmapView() {
  const info = useApp((s) => s.info);
  const openChunk = useApp((s) => s.openChunk);
  const chunkInfo = useApp((s) => s.chunkInfo);
  const [note, setNote] = useState<string | null>(null);
  // A check finding's link opens the map with its camera on the chunk, marked.
  const finding = useApp((s) => s.findingFocus);
  const [focus, setFocus] = useState<number | null>(finding?.chunk ?? null);
  useEffect(() => {
    if (finding?.chunk != null) setFocus(finding.chunk);
  }, [finding]);
  // A marked chunk that leads to no leaf or entry (free, metadata, leaked) says so at once, in place of an Open button that could only fail.
  const [nowhere, setNowhere] = useState<{ chunk: number; note: string } | null>(null);
  useEffect(() => {
    if (focus === null) return;
    let live = true;
    void chunkInfo(focus).then((got) => {
      const note = got && leadsNowhere(got);
      if (live) setNowhere(note ? { chunk: focus, note } : null);
    });
    return () => {
      live = false;
    };
  }, [focus, chunkInfo]);
  const [goTo, setGoTo] = useState('');
  // Leaks are a shared store's (its bitmap), counted over the whole device's summary.
  const summary = useApp((s) => s.occupancySummary);
  const leaked = useMemo(() => (info?.format === 'shared' && summary ? leakedChunks(summary) : null), [info?.format, summary]);
  if (!info) return null;
  const focusNote = nowhere !== null && nowhere.chunk === focus ? nowhere.note : null;
  const shared = info.format === 'shared';
  const open = async (chunk: number): Promise<void> => {
    setFocus(chunk);
    setNote(null);
    setNote(await openChunk(chunk));
  };
  const target = Number(goTo);
  const whole = goTo.trim() !== '' && Number.isInteger(target) && target >= 0;
  const valid = whole && target < info.chunkCount;
  // Why Go to chunk is off, once something is typed: a disabled button alone reads as broken.
  const why = goTo.trim() === '' || valid ? null : whole ? `This device has chunks 0–${formatCount(info.chunkCount - 1)}.` : 'A chunk number is a whole number, 0 or more.';
  return (
    <div className="page">
      <div className="page-head">
        <h1>Occupancy</h1>
        <p>
          Every chunk of the COW device by role; exception data in the colour of the one snapshot that reads it, or brown when several share it. Scroll or press + and − to
          zoom, drag to pan; click a bucket to zoom into it, an exception chunk to {shared ? 'open its leaf' : 'show its table entry'}.
        </p>
      </div>
      <Card title="COW chunks" labelledBy="occ-title">
        <ChunkLegend format={info.format} snapshots={info.snapshots} leaked={leaked} />
        <form
          className="row"
          style={{ margin: '12px 0 10px' }}
          onSubmit={(e) => {
            e.preventDefault();
            if (valid) setFocus(target);
          }}
        >
          <input
            className="input mono"
            style={{ width: 160 }}
            aria-label="Go to COW chunk"
            aria-invalid={why !== null}
            aria-describedby={why ? 'go-to-why' : undefined}
            placeholder="COW chunk"
            value={goTo}
            onChange={(e) => setGoTo(e.target.value)}
          />
          <button type="submit" className="btn" disabled={!valid}>
            Go to chunk
          </button>
          {why && (
            <span className="muted" id="go-to-why" data-testid="go-to-why" role="status">
              {why}
            </span>
          )}
          {focus !== null && focusNote === null && (
            <button type="button" className="btn" onClick={() => void open(focus)}>
              {shared ? `Open the leaf of chunk ${focus}` : `Show chunk ${focus} in the table`}
            </button>
          )}
        </form>
        <OccupancyMap height={460} onPick={(chunk) => void open(chunk)} focus={focus} />
        {(focusNote ?? note) && (
          <p className="muted" role="status" style={{ margin: '10px 0 0' }}>
            {focusNote ?? note}
          </p>
        )}
      </Card>
    </div>
  );
}
