import { useEffect } from 'react';
import type { Theme } from '../store/ui-slice.ts';
import { useApp } from './store-context.tsx';

const NEXT: Record<Theme, Theme> = { system: 'light', light: 'dark', dark: 'system' };

/** System → light → dark: the choice goes on the root element, where the stylesheet and the canvases read it. */
export function ThemeToggle() {
  const theme = useApp((s) => s.theme);
  const setTheme = useApp((s) => s.setTheme);
  useEffect(() => {
    if (theme === 'system') delete document.documentElement.dataset['theme'];
    else document.documentElement.dataset['theme'] = theme;
  }, [theme]);
  return (
    <button type="button" className="btn btn-sm" aria-label={`Theme: ${theme} (switch to ${NEXT[theme]})`} data-testid="theme" data-value={theme} onClick={() => setTheme(NEXT[theme])}>
      Theme: {theme}
    </button>
  );
}
