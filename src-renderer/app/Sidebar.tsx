import type { StoreFormat } from '../../src-core/api/contract.ts';
import { NAV, navEnabled, type NavEntry } from './nav.ts';
import { useApp } from './store-context.tsx';

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
      {NAV.map((entry) => {
        const enabled = navEnabled(entry, format);
        return (
          <div key={entry.route}>
            {entry.route === 'activity' && <div className="nav-sep" role="separator" />}
            <button
              type="button"
              className="nav-item"
              aria-current={route === entry.route ? 'page' : undefined}
              disabled={!enabled}
              title={enabled ? undefined : whyNot(entry, format)}
              aria-keyshortcuts={`Alt+${entry.key}`}
              onClick={() => navigate(entry.route)}
            >
              {entry.label}
              <span className="nav-key" aria-hidden="true">
                Alt {entry.key}
              </span>
            </button>
          </div>
        );
      })}
      <div className="sidebar-foot">{version ? `v${version}` : ''}</div>
    </nav>
  );
}

/** Why a view is greyed out: a grey entry alone reads as broken. */
function whyNot(entry: NavEntry, format: StoreFormat | null): string {
  if (format === null) return 'Open a store first';
  return `For ${entry.needs} stores only: this one is ${format}`;
}
