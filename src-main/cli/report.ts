import { usage } from './args.ts';
import type { CommandSpec } from './command.ts';
import { didYouMean } from './suggest.ts';
import { padEnd, padStart, displayWidth } from './text-width.ts';

/**
 * Reports like lvs: rows of typed fields, chosen with -o (a list, or +list to add to the
 * defaults), sorted with --sort (-name for descending), text or JSON.
 */
export type FieldKind = 'text' | 'number' | 'size' | 'percent' | 'time';

export interface Field<R> {
  name: string;
  heading: string;
  kind: FieldKind;
  help: string;
  get(row: R): string | number | null;
  /** The value is only what a damaged store's walk could prove: text shows "?" (JSON the value). */
  unknown?(row: R): boolean;
}

export type Units = 'h' | 'b' | 's' | 'k' | 'm' | 'g' | 't';

export interface ReportOptions {
  headings: boolean;
  /** Between columns; when given, columns are not padded (as lvs). */
  separator: string | undefined;
  units: Units;
  suffix: boolean;
}

export function selectFields<R>(all: readonly Field<R>[], defaults: readonly string[], list: string | undefined, command: CommandSpec): Field<R>[] {
  const names = list === undefined ? [...defaults] : list.startsWith('+') ? [...defaults, ...split(list.slice(1))] : split(list);
  return names.map((n) => all.find((f) => f.name === n) ?? fail(`unknown field '${n}'${didYouMean(n, all.map((f) => f.name))} (fields: ${all.map((f) => f.name).join(', ')})`, command));
}

export function sortRows<R>(rows: R[], all: readonly Field<R>[], keys: string, command: CommandSpec): R[] {
  const order = split(keys).map((k) => {
    const desc = k.startsWith('-');
    const name = k.replace(/^[-+]/, '');
    const field = all.find((f) => f.name === name) ?? fail(`unknown sort field '${name}'${didYouMean(name, all.map((f) => f.name))}`, command);
    return { field, sign: desc ? -1 : 1 };
  });
  return [...rows].sort((a, b) => {
    for (const { field, sign } of order) {
      const c = compare(field.get(a), field.get(b));
      if (c) return c * sign;
    }
    return 0;
  });
}

export function renderText<R>(rows: readonly R[], fields: readonly Field<R>[], o: ReportOptions): string[] {
  const cells = rows.map((r) => fields.map((f) => (f.unknown?.(r) ? '?' : formatValue(f.get(r), f.kind, o))));
  const table = o.headings ? [fields.map((f) => f.heading), ...cells] : cells;
  if (o.separator !== undefined) return table.map((r) => r.join(o.separator));
  const widths = fields.map((_, c) => Math.max(0, ...table.map((r) => displayWidth(r[c]!))));
  const right = fields.map((f) => f.kind !== 'text' && f.kind !== 'time');
  return table.map((r) => r.map((cell, c) => (right[c] ? padStart(cell, widths[c]!) : padEnd(cell, widths[c]!))).join('  ').trimEnd());
}

/** JSON rows keyed by field name; sizes in bytes unless --units says otherwise. */
export function renderJson<R>(rows: readonly R[], fields: readonly Field<R>[], o: ReportOptions, unitsGiven: boolean): Record<string, unknown>[] {
  return rows.map((r) => Object.fromEntries(fields.map((f) => [f.name, f.kind === 'size' && unitsGiven ? formatValue(f.get(r), f.kind, o) : f.get(r)])));
}

const UNIT_POWER: Record<Exclude<Units, 'h' | 'b' | 's'>, number> = { k: 1, m: 2, g: 3, t: 4 };

/** lvs style: "64.00m" (powers of 1024), "512B", "128S"; --nosuffix drops the letter. */
export function formatBytes(bytes: number, o: Pick<ReportOptions, 'units' | 'suffix'>): string {
  const suffix = (s: string): string => (o.suffix ? s : '');
  if (o.units === 'b') return `${bytes}${suffix('B')}`;
  if (o.units === 's') return `${bytes / 512}${suffix('S')}`;
  const unit = o.units === 'h' ? humanUnit(bytes) : o.units;
  if (unit === 'b') return `${bytes}${suffix('B')}`;
  return `${(bytes / 1024 ** UNIT_POWER[unit]).toFixed(2)}${suffix(unit)}`;
}

function humanUnit(bytes: number): 'b' | 'k' | 'm' | 'g' | 't' {
  const order = ['t', 'g', 'm', 'k'] as const;
  return order.find((u) => bytes >= 1024 ** UNIT_POWER[u]) ?? 'b';
}

function formatValue(v: string | number | null, kind: FieldKind, o: ReportOptions): string {
  if (v === null) return '';
  if (kind === 'size') return formatBytes(Number(v), o);
  if (kind === 'percent') return Number(v).toFixed(2);
  return String(v);
}

function compare(a: string | number | null, b: string | number | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b));
}

function split(list: string): string[] {
  return list.split(',').map((s) => s.trim()).filter(Boolean);
}

function fail(message: string, command: CommandSpec): never {
  throw usage(message, command);
}
