import type { StoreFormat } from '../store.ts';

export type Severity = 'error' | 'warning';

interface KindSpec {
  format: StoreFormat;
  severity: Severity;
  /** One line for docs/check.md and `check --help`. */
  summary: string;
}

/**
 * Every problem `check` can report, one stable kind name per problem. docs/check.md carries the
 * same table (a test keeps them equal); scripts match on these names, so never rename one.
 */
export const FINDING_KINDS = {
  // persistent store (docs/format-persistent.md)
  'p-header-invalid': { format: 'persistent', severity: 'warning', summary: 'the kernel invalidated the snapshot (valid = 0): it overflowed or failed' },
  'p-header-version': { format: 'persistent', severity: 'error', summary: 'unknown header version' },
  'p-header-chunk-size': { format: 'persistent', severity: 'error', summary: 'chunk size is not a power of two of at least one sector; nothing else can be checked' },
  'p-area-past-device': { format: 'persistent', severity: 'error', summary: 'a full area says the table goes on, but the next area lies past the end of the device' },
  'p-chunk-out-of-range': { format: 'persistent', severity: 'error', summary: "an exception's new_chunk is past the end of the device" },
  'p-chunk-metadata': { format: 'persistent', severity: 'error', summary: "an exception's new_chunk is the header or a metadata area" },
  'p-chunk-duplicate': { format: 'persistent', severity: 'error', summary: 'two exceptions use the same new_chunk' },
  'p-origin-duplicate': { format: 'persistent', severity: 'error', summary: 'two exceptions remap the same old_chunk' },
  'p-entry-after-end': { format: 'persistent', severity: 'error', summary: 'a non-zero entry after the end of the table in the last area (the kernel ignores it: a lost exception?)' },
  'p-area-not-full': { format: 'persistent', severity: 'warning', summary: 'an area ends the table but the next area holds entries (the kernel ignores them)' },
  'p-usage-leak': { format: 'persistent', severity: 'warning', summary: 'data chunks below the next free chunk that no exception uses (counted as allocated by the kernel)' },
} as const satisfies Record<string, KindSpec>;

export type FindingKind = keyof typeof FINDING_KINDS;

export function severityOf(kind: FindingKind): Severity {
  return FINDING_KINDS[kind].severity;
}
