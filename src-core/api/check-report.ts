import type { CheckReport } from './dto.ts';
import type { CheckReport as EngineCheckReport } from '../walk/findings.ts';

/** The engine's check report mapped into the contract's shape: each finding located by device, chunk and entry. */
export function toCheckReport(r: EngineCheckReport): CheckReport {
  return {
    clean: r.errors === 0,
    errors: r.errors,
    warnings: r.warnings,
    findings: r.findings.map((f) => ({
      kind: f.kind,
      severity: f.severity,
      message: f.message,
      where: { device: r.device, chunk: f.chunk, ...(f.entry !== undefined ? { entry: f.entry } : {}) },
      ...(f.expected !== undefined ? { expected: f.expected } : {}),
    })),
    truncated: r.truncated,
    byKind: r.byKind as Record<string, number>,
    blocks: r.blocks,
    exceptions: r.exceptions,
  };
}
