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

/** 'dark' or 'light' as the system says now; canvases repaint on a change (their colours come from CSS). */
export function useColorScheme(): 'dark' | 'light' {
  const [dark, setDark] = useState(() => typeof matchMedia === 'function' && matchMedia(DARK).matches);
  useEffect(() => {
    if (typeof matchMedia !== 'function') return;
    const query = matchMedia(DARK);
    const onChange = (e: MediaQueryListEvent): void => setDark(e.matches);
    query.addEventListener('change', onChange);
    return () => query.removeEventListener('change', onChange);
  }, []);
  return dark ? 'dark' : 'light';
}
