import { useEffect, useRef } from 'react';
import type { ZoomKind } from '../store/ui-slice.ts';
import { useAppStore } from './store-context.tsx';

/**
 * Runs `handler` for each zoom command a menu sends while the calling view is on screen.
 * Commands sent before it mounted are not replayed: they were meant for another view.
 */
export function useZoomCommand(handler: (kind: ZoomKind) => void): void {
  const store = useAppStore();
  const current = useRef(handler);
  useEffect(() => {
    current.current = handler;
  });
  useEffect(
    () =>
      store.subscribe((s, prev) => {
        if (s.zoomCommand && s.zoomCommand !== prev.zoomCommand) current.current(s.zoomCommand.kind);
      }),
    [store],
  );
}
