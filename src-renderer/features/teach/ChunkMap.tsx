import { useMemo } from 'react';
import type { CellCode, Focus, TeachState } from '../../../src-core/teach/index.ts';
import { ROLE_COLORS, snapshotColor } from '../../viz/colors.ts';
import { answerClass, type Answer } from './answer.ts';

export interface ChunkMapProps {
  state: TeachState;
  focus: Focus;
  /** What each kind of chunk is called (the engine's names). */
  roles: Record<CellCode, string>;
  asking: boolean;
  answer: Answer | null;
  onPoint(chunk: number): void;
}

/** Cells carry their number up to SMALL_MAP chunks; up to MEDIUM_MAP they stay big enough to hit. */
const SMALL_MAP = 160;
const MEDIUM_MAP = 1024;

function density(n: number): string {
  return n <= SMALL_MAP ? '' : n <= MEDIUM_MAP ? ' medium' : ' dense';
}

const FILLS: Partial<Record<CellCode, string>> = { H: ROLE_COLORS.header, B: ROLE_COLORS.bitmap, N: ROLE_COLORS.node, L: ROLE_COLORS.leaf, A: ROLE_COLORS.label };

/** The COW device chunk by chunk: the allocation bitmap, coloured by what each used chunk holds. */
export function ChunkMap({ state, focus, roles, asking, answer, onPoint }: ChunkMapProps) {
  const readers = useMemo(() => {
    const m = new Map<number, number[]>();
    for (const b of state.tree.blocks) if (b.kind === 'leaf') for (const e of b.entries) for (const x of e.exceptions) m.set(x.chunk, x.slots);
    return m;
  }, [state.tree]);
  const lit = new Set(focus.cells);
  const blocks = new Set([...focus.blocks, ...focus.exceptions, ...focus.path]);
  const small = state.cells.length <= SMALL_MAP;
  const cells = [...state.cells] as CellCode[];
  return (
    <div className={`chunk-map${density(cells.length)}${asking ? ' asking' : ''}`} role="group" aria-label="COW chunks (allocation bitmap)">
      {cells.map((code, chunk) => {
        const slots = readers.get(chunk);
        // A copy not in a leaf yet (allocated, filled, not inserted) has no readers to colour it by.
        const loose = code === 'E' && !slots;
        const fill = code !== 'E' ? FILLS[code] : !slots ? undefined : slots.length === 1 ? snapshotColor(slots[0]!) : ROLE_COLORS.exception;
        const role = code !== 'E' ? roles[code] : !slots ? 'copy, not in a leaf yet' : `copy read by snapshot${slots.length === 1 ? '' : 's'} ${slots.join(', ')}`;
        const tag = state.data[chunk];
        return (
          <button
            key={chunk}
            type="button"
            className={`cell c-${code === '.' ? 'free' : code}${loose ? ' loose' : ''}${lit.has(chunk) ? ' lit' : blocks.has(chunk) ? ' near' : ''}${answerClass(answer, chunk)}`}
            style={fill ? { background: fill } : undefined}
            data-chunk={chunk}
            tabIndex={cells.length <= MEDIUM_MAP ? 0 : -1}
            aria-label={`chunk ${chunk}: ${role}${tag ? `, data ${tag}` : ''}`}
            title={`chunk ${chunk}: ${role}${tag ? ` (${tag})` : ''}`}
            onClick={() => onPoint(chunk)}
          >
            {small ? chunk : null}
          </button>
        );
      })}
    </div>
  );
}

export function ChunkLegend() {
  const items: [string, string][] = [
    ['header', ROLE_COLORS.header],
    ['bitmap', ROLE_COLORS.bitmap],
    ['B-tree node', ROLE_COLORS.node],
    ['B-tree leaf', ROLE_COLORS.leaf],
    ['labels', ROLE_COLORS.label],
    ['copy, several snapshots', ROLE_COLORS.exception],
  ];
  return (
    <div className="legend" aria-label="Chunk roles">
      {items.map(([label, color]) => (
        <span key={label} className="legend-item">
          <span className="swatch" style={{ background: color }} />
          {label}
        </span>
      ))}
      <span className="legend-item">
        <span className="swatch" style={{ background: snapshotColor(0) }} />
        copy, one snapshot (its colour)
      </span>
      <span className="legend-item">
        <span className="swatch loose" />
        copy, not in a leaf yet
      </span>
      <span className="legend-item">
        <span className="swatch pending" />
        freed, until the commit
      </span>
      <span className="legend-item">
        <span className="swatch" style={{ background: 'var(--free)' }} />
        free
      </span>
    </div>
  );
}

export interface OriginStripProps {
  state: TeachState;
  focus: Focus;
  picked: number | null;
  onPick(chunk: number): void;
}

/** The origin device: which chunks changed since the lesson began, and what they hold. */
export function OriginStrip({ state, focus, picked, onPick }: OriginStripProps) {
  const lit = new Set(focus.origins);
  const small = state.origin.length <= SMALL_MAP;
  return (
    <div className={`origin-strip${density(state.origin.length)}`} role="group" aria-label="Origin chunks">
      {state.origin.map((tag, chunk) => {
        // Changed since the lesson began (a fresh origin's chunks all start as "<chunk>:v0").
        const written = tag !== '' && tag !== `${chunk}:v0`;
        return (
          <button
            key={chunk}
            type="button"
            className={`cell origin${written ? ' written' : ''}${lit.has(chunk) ? ' lit' : ''}${picked === chunk ? ' picked' : ''}`}
            data-origin={chunk}
            tabIndex={state.origin.length <= MEDIUM_MAP ? 0 : -1}
            aria-label={`origin chunk ${chunk}${tag ? `: ${tag}` : ''}`}
            aria-pressed={picked === chunk}
            title={`origin chunk ${chunk}${tag ? ` (${tag})` : ''} — click to pick it for a write`}
            onClick={() => onPick(chunk)}
          >
            {small ? chunk : null}
          </button>
        );
      })}
    </div>
  );
}
