import type { MergeResult } from '../../../src-core/api/contract.ts';

/**
 * The figures of a merge's dry run. The API answers them as summary lines (the CLI prints the
 * same ones); the figures a confirmation needs are read back out of them, and a line not
 * recognised is still shown as it is.
 */
export interface MergePlan {
  /** Origin chunks that get the snapshot's data. */
  chunks: number;
  /** Chunks copied from the origin first for the other snapshots still reading it (shared store). */
  copies: number | null;
  /** Exceptions only the merged snapshot reads, freed as it goes (shared store). */
  frees: number | null;
  /** Free COW chunks the merge needs at most, and free now (shared store). */
  spaceNeeded: number | null;
  spaceFree: number | null;
  batches: number | null;
  /** A merge recorded on disk that this one continues: chunks merged before. */
  resumesDone: number | null;
  /** "origin 0 <- COW 448" lines, and the "... and N more runs" tail. */
  runs: string[];
  /** The lines not turned into figures above. */
  other: string[];
}

const num = (s: string | undefined): number => Number(s);

export function parseMergePlan(result: MergeResult): MergePlan {
  const plan: MergePlan = { chunks: result.chunks, copies: null, frees: null, spaceNeeded: null, spaceFree: null, batches: null, resumesDone: null, runs: [], other: [] };
  for (const line of result.summary) {
    let m: RegExpExecArray | null;
    if (/^origin \d/.test(line) || /^\.\.\. and \d+ more runs?$/.test(line)) plan.runs.push(line);
    else if ((m = /^first (\d+) chunks .* copied from the origin/.exec(line))) plan.copies = num(m[1]);
    else if ((m = /^(\d+) exceptions only snapshot \d+ reads are freed/.exec(line))) plan.frees = num(m[1]);
    else if ((m = /^space: needs up to (\d+) free chunks .*, (\d+) free$/.exec(line))) {
      plan.spaceNeeded = num(m[1]);
      plan.spaceFree = num(m[2]);
    } else if ((m = /^continues the merge recorded on disk: (\d+) chunks merged/.exec(line))) plan.resumesDone = num(m[1]);
    else {
      if ((m = /in (\d+) batch(?:es)? of/.exec(line))) plan.batches = num(m[1]);
      plan.other.push(line);
    }
  }
  return plan;
}
