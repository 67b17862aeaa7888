import { useEffect, type ReactNode } from 'react';
import type { AppStore } from '../store/index.ts';
import type { RouteName } from '../store/route-slice.ts';
import { ActivityView } from '../features/activity/ActivityView.tsx';
import { BitmapView } from '../features/bitmap/BitmapView.tsx';
import { BtreeView } from '../features/btree/BtreeView.tsx';
import { LeafView } from '../features/leaf/LeafView.tsx';
import { LiveSessionBar } from '../features/live/LiveSessionBar.tsx';
import { LiveView } from '../features/live/LiveView.tsx';
import { MergeView } from '../features/merge/MergeView.tsx';
import { OverviewView } from '../features/overview/OverviewView.tsx';
import { PersistentView } from '../features/persistent/PersistentView.tsx';
import { StartView } from '../features/start/StartView.tsx';
import { TeachView } from '../features/teach/TeachView.tsx';
import { ToolsView } from '../features/tools/ToolsView.tsx';
import { AboutDialog } from './AboutDialog.tsx';
import { ErrorBoundary } from './ErrorBoundary.tsx';
import { Sidebar } from './Sidebar.tsx';
import { StoreProvider, useApp } from './store-context.tsx';
import { Announcer } from './Announcer.tsx';
import { ConnectionNotice } from './ConnectionBadge.tsx';
import { TopBar } from './TopBar.tsx';
import { routeFits } from './nav.ts';
import { useHashRoute } from './use-hash-route.ts';
import { useFocusKeeper } from './use-focus-keeper.ts';
import { useShortcuts } from './use-shortcuts.ts';

const VIEWS: Record<RouteName, () => ReactNode> = {
  start: () => <StartView />,
  overview: () => <OverviewView />,
  btree: () => <BtreeView />,
  leaf: () => <LeafView />,
  bitmap: () => <BitmapView />,
  persistent: () => <PersistentView />,
  merge: () => <MergeView />,
  tools: () => <ToolsView />,
  activity: () => <ActivityView />,
  teach: () => <TeachView />,
  live: () => <LiveView />,
};

/** Views that need an open store fall back to Start when none is open. */
const NEEDS_STORE = new Set<RouteName>(['overview', 'btree', 'leaf', 'bitmap', 'persistent', 'merge']);

function Routed() {
  const route = useApp((s) => s.route);
  const open = useApp((s) => s.session !== null);
  const format = useApp((s) => s.info?.format ?? null);
  const navigate = useApp((s) => s.navigate);
  // A view the open store's format does not have (the B-tree of a persistent COW) is not shown: Overview instead.
  const misfit = open && format !== null && !routeFits(route, format);
  useEffect(() => {
    if (misfit) navigate('overview');
  }, [misfit, navigate]);
  const shown: RouteName = NEEDS_STORE.has(route) && !open ? 'start' : misfit ? 'overview' : route;
  return (
    <main className="content" id="main">
      <ErrorBoundary resetKey={shown}>{VIEWS[shown]()}</ErrorBoundary>
    </main>
  );
}

export function App({ store }: { store: AppStore }) {
  useShortcuts(store);
  useFocusKeeper();
  useHashRoute(store);
  useEffect(() => {
    void store.getState().init();
  }, [store]);
  return (
    <StoreProvider store={store}>
      <div className="shell">
        <Sidebar />
        <div className="main">
          <TopBar />
          <LiveSessionBar />
          <ConnectionNotice />
          <Routed />
        </div>
      </div>
      <AboutDialog />
      <Announcer />
    </StoreProvider>
  );
}
