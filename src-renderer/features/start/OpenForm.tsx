import { useState } from 'react';
import { useApp } from '../../app/store-context.tsx';
import { Card } from '../../ui/Card.tsx';
import { PathField } from './PathField.tsx';

/** Open by path: the COW, and the origin beside it (needed for writes and merge). */
export function OpenForm() {
  const openStore = useApp((s) => s.openStore);
  const opening = useApp((s) => s.opening !== null);
  const [cow, setCow] = useState('');
  const [origin, setOrigin] = useState('');
  const [write, setWrite] = useState(false);
  return (
    <Card title="Open by path" labelledBy="open-path">
      <form
        className="grid"
        style={{ gap: 10 }}
        onSubmit={(e) => {
          e.preventDefault();
          if (cow.trim()) void openStore({ cow: cow.trim(), ...(origin.trim() ? { origin: origin.trim() } : {}), write });
        }}
      >
        <PathField label="COW device or image" name="cow" placeholder="/dev/vg/snap-cow or /path/shared.cow" value={cow} onChange={setCow} />
        <PathField label="Origin (optional)" name="origin" placeholder="/dev/vg/origin or /path/origin.img" value={origin} onChange={setOrigin} />
        <div className="row">
          <label className="check">
            <input type="checkbox" checked={write} onChange={(e) => setWrite(e.target.checked)} /> Open for writing
          </label>
          <span className="spacer" />
          <button type="submit" className="btn btn-primary" disabled={!cow.trim() || opening}>
            Open
          </button>
        </div>
      </form>
    </Card>
  );
}
