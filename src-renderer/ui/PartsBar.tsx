import { useLayoutEffect, useRef, useState } from 'react';
import { placeLabels } from '../viz/label-place.ts';

export interface BarPart {
  key: string;
  value: number;
  color: string;
  /** Written under the bar at the part (with `named`), e.g. "metadata 4". */
  label: string;
}

/** A part that is not zero is drawn at least this wide, however small its share (a 0.4% sliver would be 2 px). */
export const MIN_PART_PX = 4;

/**
 * A stacked bar of parts of a whole (`total`, else their sum), in order. The browser's flex layout shares the width out by
 * value and holds every non-zero part at MIN_PART_PX, taking the room from the others. With
 * `named`, each part's label sits under it (placed apart, so a sliver's label lands beside it).
 */
export function PartsBar({ parts, total, label, className, named = false }: { parts: readonly BarPart[]; total?: number; label: string; className: string; named?: boolean }) {
  const bar = useRef<HTMLDivElement>(null);
  const row = useRef<HTMLDivElement>(null);
  const [placed, setPlaced] = useState<{ anchors: number[]; lefts: number[] } | null>(null);
  const shown = parts.filter((p) => p.value > 0);
  // What the parts leave of `total` stays the bar's background.
  const rest = total === undefined ? 0 : total - parts.reduce((n, p) => n + p.value, 0);
  useLayoutEffect(() => {
    if (!named) return;
    const measure = (): void => {
      const origin = bar.current?.getBoundingClientRect().left ?? 0;
      const spans = [...(bar.current?.querySelectorAll<HTMLElement>('[data-part]') ?? [])].map((s) => s.getBoundingClientRect()).filter((r) => r.width > 0);
      const texts = [...(row.current?.querySelectorAll<HTMLElement>('[data-part-label]') ?? [])];
      const anchors = spans.map((r) => r.left - origin + r.width / 2);
      if (anchors.length !== texts.length) return;
      const lefts = placeLabels(
        anchors,
        texts.map((t) => t.offsetWidth),
        bar.current?.clientWidth ?? 0,
      );
      setPlaced((p) => (p && p.lefts.join() === lefts.join() && p.anchors.join() === anchors.join() ? p : { anchors, lefts }));
    };
    measure();
    if (typeof ResizeObserver === 'undefined') return; // jsdom
    const watch = new ResizeObserver(measure);
    if (bar.current) watch.observe(bar.current);
    return () => watch.disconnect();
  }, [named, parts]);
  return (
    <div>
      <div ref={bar} className={`parts-bar ${className}`} role="img" aria-label={label}>
        {parts.map((p) => (
          <span key={p.key} data-part={p.key} style={{ flexGrow: p.value, minWidth: p.value > 0 ? MIN_PART_PX : 0, background: p.color }} />
        ))}
        {rest > 0 && <span style={{ flexGrow: rest }} />}
      </div>
      {named && (
        <div ref={row} className="parts-labels" aria-hidden="true">
          {shown.map((p, i) => (
            <span key={p.key}>
              <span className="parts-tick" style={{ left: placed?.anchors[i] ?? 0 }} />
              <span data-part-label={p.key} style={{ left: placed?.lefts[i] ?? 0, visibility: placed ? undefined : 'hidden' }}>
                {p.label}
              </span>
            </span>
          ))}
        </div>
      )}
    </div>
  );
}
