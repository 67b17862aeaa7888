import { useEffect, useState, type RefObject } from 'react';

/** Sizes a canvas for the device pixel ratio and calls `paint` with a context in CSS pixels. */
export function sizeCanvas(canvas: HTMLCanvasElement, width: number, height: number): CanvasRenderingContext2D | null {
  const dpr = window.devicePixelRatio || 1;
  if (canvas.width !== Math.round(width * dpr) || canvas.height !== Math.round(height * dpr)) {
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(height * dpr);
    canvas.style.width = `${width}px`;
    canvas.style.height = `${height}px`;
  }
  const ctx = canvas.getContext('2d');
  ctx?.setTransform(dpr, 0, 0, dpr, 0, 0);
  return ctx;
}

/** Calls `onResize` with the element's content width and height now and whenever they change. */
export function useElementSize(ref: RefObject<HTMLElement | null>, onResize: (width: number, height: number) => void): void {
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    onResize(el.clientWidth, el.clientHeight);
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => onResize(el.clientWidth, el.clientHeight));
    observer.observe(el);
    return () => observer.disconnect();
  }, [ref, onResize]);
}

/** A CSS custom property of the document, for painters that follow the theme. */
export function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

const DARK = '(prefers-color-scheme: dark)';

/** Dark as the theme toggle (`data-theme` on the root) says, else as the system says. */
function isDark(): boolean {
  const forced = typeof document === 'undefined' ? undefined : document.documentElement.dataset['theme'];
  if (forced === 'dark' || forced === 'light') return forced === 'dark';
  return typeof matchMedia === 'function' && matchMedia(DARK).matches;
}

/** 'dark' or 'light' as shown now; canvases repaint on a change (their colours come from CSS). */
export function useColorScheme(): 'dark' | 'light' {
  const [dark, setDark] = useState(isDark);
  useEffect(() => {
    const onChange = (): void => setDark(isDark());
    const query = typeof matchMedia === 'function' ? matchMedia(DARK) : null;
    query?.addEventListener('change', onChange);
    const observer = typeof MutationObserver === 'function' ? new MutationObserver(onChange) : null;
    observer?.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    return () => {
      query?.removeEventListener('change', onChange);
      observer?.disconnect();
    };
  }, []);
  return dark ? 'dark' : 'light';
}
