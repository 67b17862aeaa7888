import { timer } from 'd3';
import { useEffect, useRef, useState } from 'react';
import { frameAt, moves, MOTION_MS, planMotion, type Shown } from '../../viz/tree-motion.ts';
import type { TreeLayout } from '../../viz/tree-layout.ts';

/**
 * Plays the motion to each new layout (viz/tree-motion.ts). d3's timer runs on animation frames,
 * so React renders at most one frame per display refresh however fast commits arrive; a layout
 * that comes mid-motion starts from where the boxes are. Reduced motion jumps to the end.
 */
export function useTreeMotion(layout: TreeLayout | null): ReadonlyMap<string, Shown> {
  const shown = useRef<ReadonlyMap<string, Shown>>(new Map());
  const [frame, setFrame] = useState<ReadonlyMap<string, Shown>>(shown.current);
  useEffect(() => {
    if (!layout) return;
    const motion = planMotion(shown.current, layout);
    const show = (f: ReadonlyMap<string, Shown>): void => {
      shown.current = f;
      setFrame(f);
    };
    const reduced = typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
    if (reduced || !moves(motion)) return show(frameAt(motion, 1));
    const t = timer((elapsed) => {
      const k = Math.min(1, elapsed / MOTION_MS);
      show(frameAt(motion, k));
      if (k === 1) t.stop();
    });
    return () => t.stop();
  }, [layout]);
  return frame;
}
