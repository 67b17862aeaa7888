import { select, zoom, zoomIdentity, type ZoomBehavior } from 'd3';
import { useEffect, useRef, type RefObject } from 'react';

export interface ZoomControls {
  zoomBy(factor: number): void;
  fitTo(t: { x: number; y: number; k: number }): void;
}

/**
 * d3-zoom as the camera of an SVG: d3 listens on the <svg> and computes the transform, which is
 * written straight to the <g> attribute, never through React state (no re-render per frame).
 */
export function useSvgZoom(svg: RefObject<SVGSVGElement | null>, layer: RefObject<SVGGElement | null>): RefObject<ZoomControls> {
  const behavior = useRef<ZoomBehavior<SVGSVGElement, unknown> | null>(null);
  const controls = useRef<ZoomControls>({
    zoomBy: (factor) => {
      if (svg.current && behavior.current) select(svg.current).transition().duration(200).call(behavior.current.scaleBy, factor);
    },
    fitTo: ({ x, y, k }) => {
      if (svg.current && behavior.current) select(svg.current).transition().duration(350).call(behavior.current.transform, zoomIdentity.translate(x, y).scale(k));
    },
  });
  useEffect(() => {
    const el = svg.current;
    if (!el) return;
    const z = zoom<SVGSVGElement, unknown>()
      .scaleExtent([0.08, 4])
      .on('zoom', (e: { transform: { toString(): string } }) => layer.current?.setAttribute('transform', e.transform.toString()));
    behavior.current = z;
    select(el).call(z).on('dblclick.zoom', null);
    return () => {
      select(el).on('.zoom', null);
    };
  }, [svg, layer]);
  return controls;
}
