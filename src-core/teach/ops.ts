/**
 * What a learner (or a lesson script) asks the engine to do, and the one-line text form they type
 * and export. `to` makes a range (chunk..to, inclusive); a `quiet` op runs without stepping, so a
 * lesson can fill a leaf in one step before the interesting write.
 */
import { SnapscopeError } from '../errors.ts';

export type TeachOp =
  | { op: 'create'; name?: string; quiet?: true }
  | { op: 'write-origin'; chunk: number; to?: number; quiet?: true }
  | { op: 'write-snapshot'; slot: number; chunk: number; to?: number; quiet?: true }
  | { op: 'delete'; slot: number; quiet?: true }
  | { op: 'merge'; slot: number; quiet?: true };

export type TeachOpKind = TeachOp['op'];

/** Lesson scripts stay readable: `op('write origin 5')` instead of an object literal. */
export function op(text: string): TeachOp {
  return parseOp(text);
}

const USAGE = 'try "create", "write origin 5", "write origin 0-19", "write snapshot 1 5", "delete 1" or "merge 1" (prefix "quiet" to skip the steps)';

/** Parses the text form; SnapscopeError('usage') says what was expected. */
export function parseOp(text: string): TeachOp {
  let words = text.trim().split(/\s+/).filter(Boolean);
  const bad = (why: string): never => {
    throw new SnapscopeError('usage', `${JSON.stringify(text.trim())}: ${why}; ${USAGE}`, { field: 'operation' });
  };
  let quiet = false;
  if (words[0]?.toLowerCase() === 'quiet') {
    quiet = true;
    words = words.slice(1);
  }
  const verb = words[0]?.toLowerCase();
  const rest = words.slice(1);
  const noun = (w: string) => rest[0]?.toLowerCase() === w && rest.shift();
  const q = quiet ? { quiet: true as const } : {};
  const done = (o: TeachOp): TeachOp => (rest.length ? bad(`unexpected ${JSON.stringify(rest.join(' '))}`) : o);
  switch (verb) {
    case undefined:
      return bad('empty operation');
    case 'create': {
      noun('snapshot');
      const name = rest.shift();
      return done(name === undefined ? { op: 'create', ...q } : { op: 'create', name, ...q });
    }
    case 'write':
    case 'wo':
    case 'ws': {
      const target = verb === 'write' ? rest.shift()?.toLowerCase() : verb === 'wo' ? 'origin' : 'snapshot';
      if (target === 'origin') return done({ op: 'write-origin', ...range(rest.shift(), bad), ...q });
      if (target === 'snapshot') {
        const slot = slotOf(rest.shift(), bad);
        return done({ op: 'write-snapshot', slot, ...range(rest.shift(), bad), ...q });
      }
      return bad('write what: "origin" or "snapshot"?');
    }
    case 'delete':
    case 'merge':
      noun('snapshot');
      return done({ op: verb, slot: slotOf(rest.shift(), bad), ...q });
    default:
      return bad(`unknown operation ${JSON.stringify(verb)}`);
  }
}

function slotOf(word: string | undefined, bad: (why: string) => never): number {
  if (word === undefined || !/^\d+$/.test(word) || Number(word) > 63) return bad('a snapshot slot is a number 0..63');
  return Number(word);
}

function range(word: string | undefined, bad: (why: string) => never): { chunk: number; to?: number } {
  const m = word === undefined ? null : /^(\d+)(?:-(\d+))?$/.exec(word);
  if (!m) return bad('a chunk is a number, or a range like 0-19');
  const chunk = Number(m[1]);
  if (m[2] === undefined) return { chunk };
  const to = Number(m[2]);
  if (to < chunk) return bad(`range ${word} runs backwards`);
  return to === chunk ? { chunk } : { chunk, to };
}

/** The canonical text form (what the timeline shows and an export stores). */
export function formatOp(o: TeachOp): string {
  const q = o.quiet ? 'quiet ' : '';
  const chunks = (c: number, to?: number) => (to === undefined ? `${c}` : `${c}-${to}`);
  switch (o.op) {
    case 'create':
      return `${q}create${o.name === undefined ? '' : ` ${o.name}`}`;
    case 'write-origin':
      return `${q}write origin ${chunks(o.chunk, o.to)}`;
    case 'write-snapshot':
      return `${q}write snapshot ${o.slot} ${chunks(o.chunk, o.to)}`;
    case 'delete':
    case 'merge':
      return `${q}${o.op} ${o.slot}`;
  }
}

/** Origin chunks an op writes, in order (one for a single write, none for the others). */
export function opChunks(o: TeachOp): number[] {
  if (o.op !== 'write-origin' && o.op !== 'write-snapshot') return [];
  const out: number[] = [];
  for (let c = o.chunk; c <= (o.to ?? o.chunk); c++) out.push(c);
  return out;
}
