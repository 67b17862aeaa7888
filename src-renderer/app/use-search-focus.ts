import { useEffect, type RefObject } from 'react';
import { useApp } from './store-context.tsx';

/** Focuses the view's search field when a menu asks to search (now, or just before it mounted). */
export function useSearchFocus(input: RefObject<HTMLInputElement | null>): void {
  const pending = useApp((s) => s.searchPending);
  const done = useApp((s) => s.setSearchPending);
  useEffect(() => {
    if (!pending) return;
    input.current?.focus();
    done(false);
  }, [pending, done, input]);
}
