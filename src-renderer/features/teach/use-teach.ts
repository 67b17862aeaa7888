import { useStore } from 'zustand';
import type { TeachStore, TeachUi } from './teach-store.ts';

/** A narrow selector over the teach view's store (wrap object results in `useShallow`). */
export function useTeach<T>(store: TeachStore, selector: (s: TeachUi) => T): T {
  return useStore(store, selector);
}
