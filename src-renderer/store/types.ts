import type { StateCreator } from 'zustand/vanilla';
import type { EngineClient } from '../client/engine-client.ts';
import type { ActivitySlice } from './activity-slice.ts';
import type { JobsSlice } from './jobs-slice.ts';
import type { LeafSlice } from './leaf-slice.ts';
import type { LiveSlice } from './live-slice.ts';
import type { OccupancySlice } from './occupancy-slice.ts';
import type { RouteSlice } from './route-slice.ts';
import type { SessionSlice } from './session-slice.ts';
import type { SyncSlice } from './sync-slice.ts';
import type { ToolsSlice } from './tools-slice.ts';
import type { InfoSlice } from './info-slice.ts';
import type { TreeSlice } from './tree-slice.ts';
import type { PersistentSlice } from './persistent-slice.ts';
import type { HostDevicesSlice } from '../features/start/host-devices-slice.ts';
import type { TeachSlice } from '../features/teach/teach-slice.ts';
import type { UiSlice } from './ui-slice.ts';

export type AppState = { resetViews(): void } & SessionSlice & InfoSlice & RouteSlice & TreeSlice & LeafSlice & OccupancySlice & PersistentSlice & JobsSlice & ActivitySlice & UiSlice & TeachSlice & LiveSlice & SyncSlice & ToolsSlice & HostDevicesSlice;

/** A slice is built with the client injected, so tests pass an in-process client and views never import one. */
export type SliceCreator<S> = (client: EngineClient) => StateCreator<AppState, [], [], S>;
