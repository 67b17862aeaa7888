import { useState } from 'react';
import { FileChooser } from './FileChooser.tsx';

/** A path typed, or picked with Browse… from the server's file system (serve mode has no native dialog). */
export function PathField({ label, value, onChange, name, placeholder }: { label: string; value: string; onChange: (path: string) => void; name?: string; placeholder?: string }) {
  const [choosing, setChoosing] = useState(false);
  return (
    <div className="field">
      <span>{label}</span>
      <div className="row" style={{ gap: 6, flexWrap: 'nowrap' }}>
        <input className="input mono" style={{ flex: 1 }} aria-label={label} name={name} placeholder={placeholder} value={value} onChange={(e) => onChange(e.target.value)} />
        <button type="button" className="btn" title={`Browse for ${label}`} onClick={() => setChoosing(true)}>
          Browse…
        </button>
      </div>
      {choosing && (
        <FileChooser
          title={`Pick ${label}`}
          start={value.includes('/') ? value.slice(0, value.lastIndexOf('/')) || '/' : undefined}
          onPick={(path) => {
            onChange(path);
            setChoosing(false);
          }}
          onClose={() => setChoosing(false)}
        />
      )}
    </div>
  );
}
