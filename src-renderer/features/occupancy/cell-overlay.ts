import { cellGap, type OccupancyGrid } from '../../viz/occupancy-painter.ts';

/**
 * What is drawn over the occupancy canvas's scaled-up pixels, as plain elements: the gaps between
 * cells (a CSS pattern, restyled only when the grid changes) and the outlines of highlighted cells
 * (rebuilt only when they move). A frame that changes neither touches neither.
 */
export function drawGaps(el: HTMLElement, g: OccupancyGrid): void {
  const key = `${g.left} ${g.cols} ${g.rows} ${g.cell}`;
  if (el.dataset.grid === key) return;
  el.dataset.grid = key;
  // Right of and below each cell, in the map's background colour.
  const solid = g.cell - cellGap(g);
  const edge = (side: string): string => `linear-gradient(to ${side}, transparent ${solid}px, var(--surface) ${solid}px)`;
  Object.assign(el.style, {
    left: `${g.left}px`,
    width: `${g.cols * g.cell}px`,
    height: `${g.rows * g.cell}px`,
    backgroundImage: `${edge('right')}, ${edge('bottom')}`,
    backgroundSize: `${g.cell}px ${g.cell}px`,
  });
}

export function drawOutlines(el: HTMLElement, g: OccupancyGrid, cells: readonly number[]): void {
  const key = `${g.left} ${g.cols} ${g.cell} ${cells.join(' ')}`;
  if (el.dataset.cells === key) return;
  el.dataset.cells = key;
  const size = `${g.cell - cellGap(g)}px`;
  el.replaceChildren(
    ...cells.map((b) => {
      const box = document.createElement('div');
      Object.assign(box.style, {
        position: 'absolute',
        left: '0px',
        top: '0px',
        width: size,
        height: size,
        boxSizing: 'border-box',
        border: '2px solid var(--text)',
        transform: `translate(${g.left + (b % g.cols) * g.cell}px, ${Math.floor(b / g.cols) * g.cell}px)`,
      });
      return box;
    }),
  );
}
