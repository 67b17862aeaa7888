/**
 * The seed's C driver (seedref's matched-bench.c): found through SNAPSCOPE_SEEDREF, then
 * /work/shared/tools/seedref, then ../shared/tools/seedref beside the repository; built with
 * `make` in a temporary copy (the source may be read-only). When it or gcc is missing the
 * benchmarks run snapscope alone and say why.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export type Seedref = { binary: string } | { missing: string };

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function sourceDir(): string | null {
  const candidates = [process.env['SNAPSCOPE_SEEDREF'], '/work/shared/tools/seedref', path.resolve(repo, '../shared/tools/seedref')];
  for (const dir of candidates) if (dir && fs.existsSync(path.join(dir, 'matched-bench.c'))) return dir;
  return null;
}

/** Builds matched-bench into `workDir`; the reason when it cannot. */
export function buildSeedref(workDir: string): Seedref {
  const src = sourceDir();
  if (!src) return { missing: 'no seedref sources (set SNAPSCOPE_SEEDREF to the directory holding matched-bench.c)' };
  const build = path.join(workDir, 'seedref');
  fs.cpSync(src, build, { recursive: true });
  for (const f of fs.readdirSync(build)) fs.chmodSync(path.join(build, f), 0o755);
  try {
    execFileSync('make', ['-s', 'matched-bench'], { cwd: build, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    const err = (e as { stderr?: Buffer; message: string }).stderr?.toString().trim() || (e as Error).message;
    return { missing: `could not build ${src}/matched-bench.c with make and gcc: ${err.split('\n')[0]}` };
  }
  return { binary: path.join(build, 'matched-bench') };
}

export const tmpRoot = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'snapscope-matched-'));
