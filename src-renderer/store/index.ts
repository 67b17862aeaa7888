import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ApiEvent, EngineClient } from '../../src-core/api/contract.ts';
import { applyInfoDelta } from '../../src-core/api/info-delta.ts';
import { ALWAYS_CONNECTED, type Connection } from '../client/connection.ts';
import { createActivitySlice } from './activity-slice.ts';
import { createInfoSlice } from './info-slice.ts';
import { createJobsSlice } from './jobs-slice.ts';
import { createLeafSlice } from './leaf-slice.ts';
import { createLiveSlice } from './live-slice.ts';
import { createOccupancySlice } from './occupancy-slice.ts';
import { createPersistentSlice } from './persistent-slice.ts';
import { createRouteSlice } from './route-slice.ts';
import { createSessionSlice } from './session-slice.ts';
import { createSyncSlice } from './sync-slice.ts';
import { createToolsSlice } from './tools-slice.ts';
import { createHostDevicesSlice } from '../features/start/host-devices-slice.ts';
import { createTeachSlice } from '../features/teach/teach-slice.ts';
import { createTreeSlice } from './tree-slice.ts';
import { createUiSlice } from './ui-slice.ts';
import type { AppState } from './types.ts';

export type { AppState } from './types.ts';
export type AppStore = StoreApi<AppState>;

/** One store from typed slices; the client is injected here and nowhere else. */
export function createAppStore(client: EngineClient, connection: Connection = ALWAYS_CONNECTED): AppStore {
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
    ...createUiSlice(client)(...a),
    ...createTeachSlice(client)(...a),
    ...createSyncSlice(client)(...a),
    ...createToolsSlice(client)(...a),
    ...createLiveSlice(client)(...a),
    ...createHostDevicesSlice(client)(...a),
    resetViews() {
      a[0]({ treeRoot: null, blocks: new Map(), expanded: new Set(), unfolded: new Set(), searchPath: null, treeError: null, flashes: [] });
      a[0]({ leafChunk: null, leafDetail: null, leafError: null, leafOrigin: null, occupancy: null, occupancySummary: null, areas: null, areasError: null, pages: new Map(), stalePages: new Map() });
    },
  }));
  client.onEvent((event) => handleEvent(store, event));
  store.setState({ connection: connection.state });
  connection.subscribe((state, reconnected) => store.getState().setConnection(state, reconnected));
  return store;
}

/** Pushed events keep every view live, whichever client (another window, the CLI) made the change. */
function handleEvent(store: AppStore, event: ApiEvent): void {
  const s = store.getState();
  const mine = (session: string): boolean => s.session?.session === session;
  switch (event.type) {
    case 'store-changed':
      if (!mine(event.session)) break;
      if (s.info) s.applyInfo(applyInfoDelta(s.info, event.delta));
      else void s.refreshInfo();
      s.noteGeneration(event.generation);
      break;
    case 'disk-changed':
      if (mine(event.session)) s.noteDiskChange(event.generation);
      break;
    case 'structural':
      if (mine(event.session)) s.noteStructural(event.events);
      break;
    case 'job':
      s.applyJob(event.job);
      break;
    case 'session-opened':
      if (!s.session) s.adoptSession(event.session);
      else if (mine(event.session.session)) store.setState({ session: event.session });
      break;
    case 'session-closed':
      if (mine(event.session)) {
        store.setState({ session: null, info: null });
        s.resetViews();
        s.navigate('start');
      }
      break;
    case 'ui':
      void s.runCommand(event.command, event.session);
      break;
  }
}
