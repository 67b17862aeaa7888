import { useApp } from './store-context.tsx';
import { NAV, navEnabled } from './nav.ts';

export function Sidebar() {
  const route = useApp((s) => s.route);
  const format = useApp((s) => s.info?.format ?? null);
  const navigate = useApp((s) => s.navigate);
  const version = useApp((s) => s.hello?.version);
  return (
    <nav className="sidebar" aria-label="Views">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true" />
        snapscope
      </div>
      {NAV.map((entry) => (
        <div key={entry.route}>
          {entry.route === 'activity' && <div className="nav-sep" role="separator" />}
          <button
            type="button"
            className="nav-item"
            aria-current={route === entry.route ? 'page' : undefined}
            disabled={!navEnabled(entry, format)}
            aria-keyshortcuts={`Alt+${entry.key}`}
            onClick={() => navigate(entry.route)}
          >
            {entry.label}
            <span className="nav-key" aria-hidden="true">
              Alt {entry.key}
            </span>
          </button>
        </div>
      ))}
      <div className="sidebar-foot">{version ? `v${version}` : ''}</div>
    </nav>
  );
}
