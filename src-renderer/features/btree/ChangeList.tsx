import { useApp } from '../../app/store-context.tsx';
import { Card } from '../../ui/Card.tsx';

/** Structural changes the engine reported (splits, new roots, merges), newest first. */
export function ChangeList() {
  const flashes = useApp((s) => s.flashes);
  return (
    <Card title="Structural changes" labelledBy="changes-title">
      {flashes.length === 0 ? (
        <p className="muted" style={{ margin: 0 }}>
          Splits, new roots and leaf merges appear here and flash on the tree as they happen.
        </p>
      ) : (
        <ul className="change-list" aria-live="polite">
          {flashes.slice(0, 6).map((f) => (
            <li key={f.id}>{f.text}</li>
          ))}
        </ul>
      )}
    </Card>
  );
}
