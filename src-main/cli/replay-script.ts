import { SnapscopeError } from '../../src-core/errors.ts';

/** One parsed line of a replay script. */
export interface ScriptOp {
  line: number;
  op: string;
  args: string[];
}

/** Operations and the argument counts they take: [min, max]. Later ops add a row here and a case in replay. */
export const SCRIPT_OPS: Record<string, [number, number]> = {
  'snap-create': [0, 1],
  'snap-delete': [1, 1],
  'origin-write': [2, 2],
  'snap-write': [3, 3],
  'snap-merge': [1, 1],
  commit: [0, 0],
};

/** Splits a script into operations; `#` starts a comment; errors name the line. */
export function parseScript(text: string, file: string): ScriptOp[] {
  const ops: ScriptOp[] = [];
  text.split('\n').forEach((raw, i) => {
    const words = raw.replace(/#.*/, '').trim().split(/\s+/).filter(Boolean);
    if (!words.length) return;
    const [op, ...args] = words as [string, ...string[]];
    const arity = SCRIPT_OPS[op];
    if (!arity) throw scriptError(file, i + 1, `unknown operation '${op}' (known: ${Object.keys(SCRIPT_OPS).join(', ')})`);
    if (args.length < arity[0] || args.length > arity[1]) throw scriptError(file, i + 1, `'${op}' takes ${arity[0] === arity[1] ? arity[0] : `${arity[0]} to ${arity[1]}`} arguments, got ${args.length}`);
    ops.push({ line: i + 1, op, args });
  });
  return ops;
}

export function scriptError(file: string, line: number, message: string, code: 'usage' | 'not-found' = 'usage'): SnapscopeError {
  return new SnapscopeError(code, `${file}:${line}: ${message}`, { device: file, entry: line });
}
