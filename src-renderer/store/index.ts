import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ApiEvent, EngineClient } from '../../src-core/api/contract.ts';
import { createActivitySlice } from './activity-slice.ts';
import { createInfoSlice } from './info-slice.ts';
import { createJobsSlice } from './jobs-slice.ts';
import { createLeafSlice } from './leaf-slice.ts';
import { createOccupancySlice } from './occupancy-slice.ts';
import { createPersistentSlice } from './persistent-slice.ts';
import { createRouteSlice, type RouteName } from './route-slice.ts';
import { createSessionSlice } from './session-slice.ts';
import { createTeachSlice } from '../features/teach/teach-slice.ts';
import { createTreeSlice } from './tree-slice.ts';
import type { AppState } from './types.ts';

export type { AppState } from './types.ts';
export type AppStore = StoreApi<AppState>;

/** One store from typed slices; the client is injected here and nowhere else. */
export function createAppStore(client: EngineClient): AppStore {
  const store = createStore<AppState>()((...a) => ({
    ...createSessionSlice(client)(...a),
    ...createInfoSlice(client)(...a),
    ...createRouteSlice(client)(...a),
    ...createTreeSlice(client)(...a),
    ...createLeafSlice(client)(...a),
    ...createOccupancySlice(client)(...a),
    ...createPersistentSlice(client)(...a),
    ...createJobsSlice(client)(...a),
    ...createActivitySlice(client)(...a),
    ...createTeachSlice(client)(...a),
    resetViews() {
      a[0]({ treeRoot: null, blocks: new Map(), expanded: new Set(), searchPath: null, treeError: null, flashes: [] });
      a[0]({ leafChunk: null, leafDetail: null, leafError: null, occupancy: null, areas: null, pages: new Map() });
    },
  }));
  client.onEvent((event) => handleEvent(store, event));
  return store;
}

const UI_ROUTES: Partial<Record<string, RouteName>> = {
  'view-overview': 'overview',
  'view-btree': 'btree',
  'view-bitmap': 'bitmap',
  'view-persistent': 'persistent',
  'view-merge': 'merge',
  'view-activity': 'activity',
  'view-teach': 'teach',
};

/** Pushed events keep every view live, whichever client (another window, the CLI) made the change. */
function handleEvent(store: AppStore, event: ApiEvent): void {
  const s = store.getState();
  const mine = (session: string): boolean => s.session?.session === session;
  switch (event.type) {
    case 'store-changed':
      if (mine(event.session)) s.applyInfo(event.info);
      break;
    case 'structural':
      if (mine(event.session)) s.noteStructural(event.events);
      break;
    case 'job':
      s.applyJob(event.job);
      break;
    case 'session-opened':
      if (!s.session) s.adoptSession(event.session);
      break;
    case 'session-closed':
      if (mine(event.session)) {
        store.setState({ session: null, info: null });
        s.resetViews();
        s.navigate('start');
      }
      break;
    case 'ui': {
      const route = UI_ROUTES[event.command];
      if (route) s.navigate(route);
      else if (event.command === 'close-store') void s.closeStore();
      break;
    }
  }
}
