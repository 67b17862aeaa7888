import { classLabel, type ChunkClass } from './chunk-class.ts';
import { formatCount } from './format.ts';
import type { OccupancyView } from './occupancy-painter.ts';
import type { OccupancySummary } from './occupancy-summary.ts';

/**
 * The occupancy map in words, for screen readers: what a range holds (used, free, leaked chunks;
 * its runs as the map's cells show them) and what one cell holds. Leaked means exception data no
 * snapshot reads, known only once the owners are loaded.
 */

/** Runs listed before "and N more". */
const RUNS = 6;
/** Leaked places listed before "and N more". */
const LEAKS = 4;

const isData = (c: ChunkClass): boolean => c === 'exception' || c === 'data';

function range(a: number, b: number): string {
  return b - a === 1 ? `chunk ${formatCount(a)}` : `chunks ${formatCount(a)}–${formatCount(b - 1)}`;
}

/**
 * "1,203 used, 2,890 free, 1 leaked. 2 runs: chunks 0–1,207 used, chunks 1,208–4,095 free; leaked:
 * chunk 4,093." Leaks are counted where the format can leak (`leaks`: a shared store's bitmap).
 */
export function describeRange(summary: OccupancySummary, view: OccupancyView, leaks = true): string {
  const end = view.start + view.span;
  let used = 0;
  let free = 0;
  let leaked = 0;
  for (const [c, n] of summary.classesIn(view.start, end)) {
    if (c === 'free') free += n;
    else used += n;
    if (leaks && summary.owners && isData(c)) leaked += n;
  }
  // Runs of the map's cells: all used, all free, or partly used.
  const runs: { a: number; b: number; state: string }[] = [];
  for (let i = 0; i < view.cells; i++) {
    const a = view.start + i * view.per;
    const b = Math.min(end, a + view.per);
    const classes = summary.classesIn(a, b);
    const f = classes.find(([c]) => c === 'free')?.[1] ?? 0;
    const state = f === 0 ? 'used' : f >= b - a ? 'free' : 'partly used';
    const last = runs.at(-1);
    if (last && last.state === state) last.b = b;
    else runs.push({ a, b, state });
  }
  // The longest runs, in address order: the range's shape without a list of every fragment.
  const longest = new Set([...runs].sort((x, y) => y.b - y.a - (x.b - x.a)).slice(0, RUNS));
  const listed = runs.filter((r) => longest.has(r)).map((r) => `${range(r.a, r.b)} ${r.state}`);
  const runText = runs.length <= RUNS ? `${runs.length === 1 ? '1 run' : `${runs.length} runs`}: ${listed.join(', ')}` : `${formatCount(runs.length)} runs, the longest: ${listed.join(', ')}`;
  let text = `${formatCount(used)} used, ${formatCount(free)} free${leaks && summary.owners ? `, ${formatCount(leaked)} leaked` : ''}. ${runText}`;
  if (leaked > 0) text += `; leaked: ${leakedPlaces(summary, view.start, end).join(', ')}`;
  return `${text}.`;
}

/** Where the leaked chunks are, as finely as the summary knows: "chunk 4,093", "3 in chunks 64–127". */
function leakedPlaces(summary: OccupancySummary, start: number, end: number): string[] {
  const out: string[] = [];
  let more = 0;
  const first = Math.max(start, summary.start);
  for (let a = first - ((first - summary.start) % summary.per); a < Math.min(end, summary.end); a += summary.per) {
    const lo = Math.max(a, start);
    const hi = Math.min(a + summary.per, end);
    const n = summary.classesIn(lo, hi).reduce((sum, [c, k]) => (isData(c) ? sum + k : sum), 0);
    if (n === 0) continue;
    if (out.length < LEAKS) out.push(hi - lo === 1 ? range(lo, hi) : `${formatCount(n)} in ${range(lo, hi)}`);
    else more++;
  }
  if (more > 0) out.push(`and ${more} more`);
  return out;
}

/** "Chunks 64–127: only base 40, shared by several snapshots 20, free 4" (a single chunk: its class). */
export function describeCell(summary: OccupancySummary, a: number, b: number, name: (slot: number) => string): string {
  const classes = summary.classesIn(a, b);
  const label = (c: ChunkClass): string => (summary.owners && isData(c) ? 'leaked (referenced by nothing)' : classLabel(c, name));
  if (b - a === 1) return `Chunk ${formatCount(a)}: ${label(classes[0]?.[0] ?? 'free')}`;
  return `Chunks ${formatCount(a)}–${formatCount(b - 1)}: ${classes.map(([c, n]) => `${label(c)} ${formatCount(n)}`).join(', ')}`;
}
