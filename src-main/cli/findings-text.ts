import type { Finding } from '../../src-core/walk/findings.ts';
import { plural } from './plural.ts';

/** Runs this long of one kind in one chunk print as one line: a truncation can yield hundreds. */
const GROUP_AT = 3;

/**
 * check's findings as text, repeated ones grouped: consecutive findings of the same kind and
 * severity in the same chunk become "error   p-x chunk 3: 255 entries (0–254): <first message>".
 */
export function findingLines(findings: readonly Finding[]): string[] {
  const lines: string[] = [];
  for (let i = 0; i < findings.length; ) {
    let j = i + 1;
    while (j < findings.length && sameRun(findings[i]!, findings[j]!)) j++;
    const run = findings.slice(i, j);
    if (run.length >= GROUP_AT) lines.push(groupLine(run));
    else lines.push(...run.map(findingLine));
    i = j;
  }
  return lines;
}

export function findingLine(f: Finding): string {
  const at = `chunk ${f.chunk}${f.entry === undefined ? '' : ` entry ${f.entry}`}`;
  return `${f.severity.padEnd(7)} ${f.kind} ${at}: ${f.message}${detail(f)}`;
}

function groupLine(run: readonly Finding[]): string {
  const f = run[0]!;
  const entries = run.map((x) => x.entry!);
  return `${f.severity.padEnd(7)} ${f.kind} chunk ${f.chunk}: ${plural(run.length, 'entry', 'entries')} (${ranges(entries)}); the first: ${f.message}${detail(f)}`;
}

function sameRun(a: Finding, b: Finding): boolean {
  return a.kind === b.kind && a.severity === b.severity && a.chunk === b.chunk && a.entry !== undefined && b.entry !== undefined;
}

function detail(f: Finding): string {
  const d = [f.expected === undefined ? '' : `expected ${f.expected}`, f.found === undefined ? '' : `found ${f.found}`].filter(Boolean).join(', ');
  return d ? ` (${d})` : '';
}

/** "0–254", "1, 3–5, 9" (entries in the order found, runs of consecutive numbers joined). */
export function ranges(ns: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < ns.length; ) {
    let j = i;
    while (j + 1 < ns.length && ns[j + 1] === ns[j]! + 1) j++;
    parts.push(j > i ? `${ns[i]}–${ns[j]}` : String(ns[i]));
    i = j + 1;
  }
  return parts.join(', ');
}
