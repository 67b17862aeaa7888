import { expect } from 'vitest';
import { cli, oneLine } from './cli.ts';
import { untouched } from './foreign-lock.ts';

/**
 * Each run of `runs` and its dry run (`--dry-run` added) are refused alike: exit 1, the same line,
 * which `expected` checks; none of `files` is written.
 */
export function refusedAlike(runs: string[][], files: string[], expected: (said: string) => void): void {
  const kept = untouched(...files);
  for (const argv of runs) {
    const real = cli(...argv);
    const dry = cli(...argv, '--dry-run');
    expect(real.code, `${argv.join(' ')}: ${oneLine(real)}`).toBe(1);
    expect(dry.code, `${argv.join(' ')} --dry-run: ${dry.stdout}`).toBe(1);
    expect(oneLine(dry), `${argv.join(' ')} --dry-run`).toBe(oneLine(real));
    expected(oneLine(real));
  }
  kept.unchanged();
}
