import { useEffect, useRef } from 'react';
import type { ViewError } from '../store/errors.ts';

/**
 * An API error as a readable message with what to do; never a blank view. Each new error is
 * scrolled into sight: in a short window the control that failed can be far below where it shows.
 */
export function ErrorAlert({ error, title, onRetry, id }: { error: ViewError; title?: string; onRetry?: () => void; id?: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.scrollIntoView?.({ block: 'nearest' });
  }, [error]);
  return (
    <div className="alert error" role="alert" ref={ref} id={id}>
      <div style={{ flex: 1 }}>
        <strong>{title ?? 'Something went wrong'}</strong>
        <p>{error.message}</p>
        <p className="muted">{error.hint}</p>
      </div>
      {onRetry && (
        <button type="button" className="btn btn-sm" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}
