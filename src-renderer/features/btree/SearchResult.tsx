import { useApp } from '../../app/store-context.tsx';
import { Card } from '../../ui/Card.tsx';

/** The path a search lit up, and the way into its leaf. */
export function SearchResult() {
  const path = useApp((s) => s.searchPath);
  const openLeaf = useApp((s) => s.openLeaf);
  const clear = useApp((s) => s.clearSearch);
  if (!path) return null;
  return (
    <Card
      title={`Origin chunk ${path.key}`}
      labelledBy="result-title"
      actions={
        <button type="button" className="btn btn-sm" onClick={clear}>
          Clear
        </button>
      }
    >
      <p style={{ margin: '0 0 10px' }}>
        Path from the root: <span className="mono" data-testid="search-path">{path.path.join(' → ')}</span>
      </p>
      <button type="button" className="btn btn-primary" onClick={() => void openLeaf(path.leaf)}>
        Open leaf {path.leaf}
      </button>
    </Card>
  );
}
