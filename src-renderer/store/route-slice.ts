import type { SliceCreator } from './types.ts';

export type RouteName = 'start' | 'overview' | 'btree' | 'leaf' | 'bitmap' | 'persistent' | 'merge' | 'tools' | 'activity' | 'teach' | 'live';

export const ROUTES: readonly RouteName[] = ['start', 'overview', 'btree', 'leaf', 'bitmap', 'persistent', 'merge', 'tools', 'activity', 'teach', 'live'];

export interface RouteSlice {
  route: RouteName;
  navigate(route: RouteName): void;
}

export function isRoute(name: string): name is RouteName {
  return (ROUTES as readonly string[]).includes(name);
}

export const createRouteSlice: SliceCreator<RouteSlice> = () => (set) => ({
  route: 'start',
  navigate: (route) => set({ route }),
});
