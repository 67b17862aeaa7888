import { SnapscopeError, describeLocation } from '../errors.ts';
import type { StoreFormat } from '../store.ts';
import { FINDING_KINDS, type FindingKind, type Severity } from './kinds.ts';

/** One problem: what, how bad, where (COW chunk, entry inside it) and what was expected. */
export interface Finding {
  kind: FindingKind;
  severity: Severity;
  chunk: number;
  entry?: number;
  message: string;
  expected?: string;
  found?: string;
}

export interface CheckReport {
  format: StoreFormat;
  device: string;
  chunkBytes: number;
  chunkCount: number;
  /** The first MAX_FINDINGS findings, in the order found. */
  findings: Finding[];
  errors: number;
  warnings: number;
  /** Findings per kind, including those past the cap. */
  byKind: Partial<Record<FindingKind, number>>;
  /** More findings than MAX_FINDINGS were found; the counts are still exact. */
  truncated: boolean;
  /** What was walked: tree blocks or metadata areas, and live exceptions. */
  blocks: number;
  exceptions: number;
}

/** A garbage device can yield a finding per byte: keep the first ones, count all. */
export const MAX_FINDINGS = 10_000;

export interface FindingDetail {
  entry?: number;
  expected?: string | number | bigint;
  found?: string | number | bigint;
  /** The on-disk field at fault (docs/format-*.md names). */
  field?: string;
  /** Tree chunks from the root down to the block at fault. */
  path?: readonly number[];
}

/**
 * Collects findings with bounded memory. A tolerant log (check, repair, a damaged store's info)
 * records every finding and lets the walk go on; a strict one (open, tree, stats of a healthy
 * store) throws the first error as a 'corrupt' SnapscopeError naming chunk, entry, field and path.
 * Warnings never stop a walk: what open accepts is exactly what check finds no error in.
 */
export class FindingLog {
  readonly findings: Finding[] = [];
  readonly byKind: Partial<Record<FindingKind, number>> = {};
  errors = 0;
  warnings = 0;

  constructor(private readonly strictDevice: string | null = null) {}

  get strict(): boolean {
    return this.strictDevice !== null;
  }

  add(kind: FindingKind, chunk: number, message: string, detail: FindingDetail = {}): void {
    const severity = FINDING_KINDS[kind].severity;
    if (severity === 'error' && this.strictDevice !== null) {
      const where = { device: this.strictDevice, chunk, ...(detail.entry === undefined ? {} : { entry: detail.entry }), ...(detail.field === undefined ? {} : { field: detail.field }), ...(detail.path === undefined ? {} : { path: detail.path }) };
      throw new SnapscopeError('corrupt', `${message}${describeLocation(where)} [${kind}]`, where);
    }
    if (severity === 'error') this.errors++;
    else this.warnings++;
    this.byKind[kind] = (this.byKind[kind] ?? 0) + 1;
    if (this.findings.length >= MAX_FINDINGS) return;
    const f: Finding = { kind, severity, chunk, message };
    if (detail.entry !== undefined) f.entry = detail.entry;
    if (detail.expected !== undefined) f.expected = String(detail.expected);
    if (detail.found !== undefined) f.found = String(detail.found);
    this.findings.push(f);
  }

  get truncated(): boolean {
    return this.errors + this.warnings > this.findings.length;
  }

  report(base: Omit<CheckReport, 'findings' | 'errors' | 'warnings' | 'byKind' | 'truncated'>): CheckReport {
    return { ...base, findings: this.findings, errors: this.errors, warnings: this.warnings, byKind: this.byKind, truncated: this.truncated };
  }
}
