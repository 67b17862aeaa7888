import { useState } from 'react';
import type { ViewRef } from '../../../src-core/api/contract.ts';
import { useApp } from '../../app/store-context.tsx';
import type { ViewError } from '../../store/errors.ts';
import { Card } from '../../ui/Card.tsx';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';

/** Largest upload: what one `writeData` call carries. */
const MAX_UPLOAD = 512 << 10;

/** Writes like `snapscope write`: fill one chunk with a byte, or put a file's bytes at a chunk, on the origin or a snapshot. */
export function WriteCard() {
  const session = useApp((s) => s.session);
  const info = useApp((s) => s.info);
  const busy = useApp((s) => s.toolBusy);
  const writeFill = useApp((s) => s.writeFill);
  const writeUpload = useApp((s) => s.writeUpload);
  const [to, setTo] = useState<string>('origin');
  const [chunk, setChunk] = useState('0');
  const [fill, setFill] = useState('0');
  const [file, setFile] = useState<File | null>(null);
  const [error, setError] = useState<ViewError | null>(null);
  const [done, setDone] = useState<string | null>(null);
  if (!session || !info) return null;
  const blocked = !session.write ? 'Open the store for writing (top bar) to write.' : !session.origin ? 'Writes need the origin: open the store together with its origin.' : null;
  const view: ViewRef = to === 'origin' ? 'origin' : Number(to);
  const c = Number(chunk);
  const f = Number(fill);
  const okChunk = chunk.trim() !== '' && Number.isInteger(c) && c >= 0;
  const okFill = fill.trim() !== '' && Number.isInteger(f) && f >= 0 && f <= 255;
  const after = (err: ViewError | null, what: string): void => {
    setError(err);
    setDone(err ? null : what);
  };
  return (
    <Card title="Write" labelledBy="write-title">
      {blocked && <p className="muted" style={{ marginTop: 0 }}>{blocked}</p>}
      <div className="row">
        <label className="field">
          To
          <select className="input" value={to} onChange={(e) => setTo(e.target.value)}>
            <option value="origin">the origin</option>
            {info.snapshots.map((s) => (
              <option key={s.slot} value={String(s.slot)}>
                snapshot {s.name || `slot ${s.slot}`}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          Chunk
          <input className="input mono" aria-label="Chunk to write" value={chunk} onChange={(e) => setChunk(e.target.value)} style={{ width: 110 }} />
        </label>
        <label className="field">
          Fill byte (0–255)
          <input className="input mono" aria-label="Fill byte" value={fill} onChange={(e) => setFill(e.target.value)} style={{ width: 90 }} />
        </label>
        <button type="button" className="btn" disabled={blocked !== null || !okChunk || !okFill || busy !== null} onClick={async () => after(await writeFill(view, c, f), `chunk ${c} filled with ${f}`)}>
          Fill chunk
        </button>
      </div>
      <div className="row" style={{ marginTop: 10 }}>
        <label className="field">
          Or upload data (at most 512 KiB, written from the start of the chunk)
          <input type="file" aria-label="Data to write" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        </label>
        <button
          type="button"
          className="btn"
          disabled={blocked !== null || !okChunk || !file || file.size === 0 || file.size > MAX_UPLOAD || busy !== null}
          onClick={async () => {
            if (!file) return;
            const data = await toBase64(file);
            after(await writeUpload(view, c * info.chunkBytes, data), `${file.size} bytes written at chunk ${c}`);
          }}
        >
          Write file
        </button>
      </div>
      {error && <ErrorAlert error={error} title="The write was refused" />}
      {done && (
        <p className="muted" role="status" data-testid="write-done">
          Done: {done}, committed.
        </p>
      )}
    </Card>
  );
}

async function toBase64(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}
