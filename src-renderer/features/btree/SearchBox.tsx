import { useEffect, useRef, useState } from 'react';
import { useApp } from '../../app/store-context.tsx';
import { useSearchFocus } from '../../app/use-search-focus.ts';
import { Card } from '../../ui/Card.tsx';

/** "Origin chunk C": finds its leaf and lights the path. "/" focuses it from anywhere in the view. */
export function SearchBox() {
  const searchKey = useApp((s) => s.searchKey);
  const chunks = useApp((s) => s.info?.chunkCount ?? 0);
  const [value, setValue] = useState('');
  const input = useRef<HTMLInputElement>(null);
  useSearchFocus(input);
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === '/' && !(e.target instanceof HTMLInputElement)) {
        e.preventDefault();
        input.current?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  const key = Number(value);
  const ok = value.trim() !== '' && Number.isInteger(key) && key >= 0;
  return (
    <Card title="Find an origin chunk" labelledBy="search-title">
      <form
        className="row"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          if (ok) void searchKey(key);
        }}
      >
        <input
          ref={input}
          className="input mono"
          style={{ flex: 1 }}
          inputMode="numeric"
          aria-label="Origin chunk"
          aria-keyshortcuts="/"
          placeholder={`origin chunk, e.g. ${Math.min(42, Math.max(chunks - 1, 0))}`}
          value={value}
          onChange={(e) => setValue(e.target.value)}
        />
        <button type="submit" className="btn btn-primary" disabled={!ok}>
          Find
        </button>
      </form>
      <p className="muted" style={{ margin: '8px 0 0', fontSize: 12.5 }}>
        Press <span className="kbd">/</span> to search, <span className="kbd">+</span> <span className="kbd">−</span> <span className="kbd">0</span> to zoom.
      </p>
    </Card>
  );
}
