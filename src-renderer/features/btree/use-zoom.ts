import { select, zoom, zoomIdentity, type ZoomBehavior } from 'd3';
import { useEffect, useRef, type RefObject } from 'react';

export interface Transform {
  x: number;
  y: number;
  k: number;
}

export interface ZoomControls {
  zoomBy(factor: number): void;
  fitTo(t: Transform, ms?: number): void;
  /** The transform now (it lives here, not in React state). */
  current(): Transform;
}

/** Far enough out that a level of tens of thousands of boxes fits a window. */
export const MIN_ZOOM = 0.0005;

/**
 * d3-zoom as the camera of an SVG: d3 listens on the <svg> and computes the transform, which is
 * written straight to the <g> attribute, never through React state (no re-render per frame);
 * `onTransform` hears every change (the link canvas, the minimap, the level of detail).
 */
export function useSvgZoom(svg: RefObject<SVGSVGElement | null>, layer: RefObject<SVGGElement | null>, onTransform?: (t: Transform) => void): RefObject<ZoomControls> {
  const behavior = useRef<ZoomBehavior<SVGSVGElement, unknown> | null>(null);
  const now = useRef<Transform>({ x: 0, y: 0, k: 1 });
  const listener = useRef(onTransform);
  listener.current = onTransform;
  const controls = useRef<ZoomControls>({
    zoomBy: (factor) => {
      if (svg.current && behavior.current) select(svg.current).transition().duration(200).call(behavior.current.scaleBy, factor);
    },
    fitTo: ({ x, y, k }, ms = 350) => {
      if (!svg.current || !behavior.current) return;
      const target = zoomIdentity.translate(x, y).scale(k);
      if (ms === 0) select(svg.current).call(behavior.current.transform, target);
      else select(svg.current).transition().duration(ms).call(behavior.current.transform, target);
    },
    current: () => now.current,
  });
  useEffect(() => {
    const el = svg.current;
    if (!el) return;
    const z = zoom<SVGSVGElement, unknown>()
      .scaleExtent([MIN_ZOOM, 4])
      .on('zoom', (e: { transform: Transform & { toString(): string } }) => {
        layer.current?.setAttribute('transform', e.transform.toString());
        now.current = { x: e.transform.x, y: e.transform.y, k: e.transform.k };
        listener.current?.(now.current);
      });
    behavior.current = z;
    select(el).call(z).on('dblclick.zoom', null);
    return () => {
      select(el).on('.zoom', null);
    };
  }, [svg, layer]);
  return controls;
}
