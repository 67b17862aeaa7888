import type { ViewError } from '../store/errors.ts';

/** An API error as a readable message with what to do; never a blank view. */
export function ErrorAlert({ error, title, onRetry }: { error: ViewError; title?: string; onRetry?: () => void }) {
  return (
    <div className="alert error" role="alert">
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
