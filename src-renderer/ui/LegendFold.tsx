import { useId, useLayoutEffect, useRef, useState, type ReactNode } from 'react';

/** How much of the first hidden line shows above the fold, faded: the cue that more follows. */
const PEEK = 8;

/**
 * A legend folded to its first `rows` lines when it has more: the last line fades out and a button
 * under it says how many `noun` the fold hides ("Show all 64 snapshots (40 more)"). Tabbing onto a
 * hidden item opens the fold, so the keyboard never lands out of sight. Items are the children
 * with the class `legend-item` marked `data-fold` (what the count counts).
 */
export function LegendFold({ label, noun, total, rows = 3, className, children }: { label: string; noun: string; total: number; rows?: number; className?: string; children: ReactNode }) {
  const box = useRef<HTMLDivElement>(null);
  const id = useId();
  const [open, setOpen] = useState(false);
  // Where the fold cuts (px from the legend's top) and how many counted items lie below it; null: everything fits.
  const [fold, setFold] = useState<{ cut: number; hidden: number } | null>(null);
  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    const measure = (): void => {
      const items = [...el.querySelectorAll<HTMLElement>('.legend-item')];
      const tops = [...new Set(items.map((i) => i.offsetTop))].sort((a, b) => a - b);
      const first = tops[0] ?? 0;
      const below = tops[rows];
      if (below === undefined) return setFold(null);
      const hidden = items.filter((i) => i.offsetTop >= below && i.dataset['fold'] !== undefined).length;
      // A picked name below the fold (picked before, the view since left) opens it: what is picked shows.
      if (items.some((i) => i.offsetTop >= below && i.querySelector('[aria-pressed="true"]'))) setOpen(true);
      const cut = below - first + PEEK;
      setFold((f) => (f && f.cut === cut && f.hidden === hidden ? f : { cut, hidden }));
    };
    measure();
    if (typeof ResizeObserver === 'undefined') return; // jsdom
    const watch = new ResizeObserver(measure);
    watch.observe(el);
    return () => watch.disconnect();
  }, [rows, total]);
  const folded = fold !== null && !open;
  return (
    <div className="legend-fold">
      <div
        ref={box}
        id={id}
        role="group"
        aria-label={label}
        className={`legend${folded ? ' folded' : ''} ${className ?? ''}`}
        style={folded ? { maxHeight: fold.cut } : undefined}
        onFocus={(e) => {
          if (folded && e.target instanceof HTMLElement && e.target.getBoundingClientRect().bottom > e.currentTarget.getBoundingClientRect().top + fold.cut) setOpen(true);
        }}
      >
        {children}
      </div>
      {fold !== null && (
        <button type="button" className="btn btn-sm link legend-more" aria-expanded={open} aria-controls={id} onClick={() => setOpen(!open)}>
          {open ? `Show fewer ${noun}` : `Show all ${total} ${noun} (${fold.hidden} more)`}
        </button>
      )}
    </div>
  );
}
