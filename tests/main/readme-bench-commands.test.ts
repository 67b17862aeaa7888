import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const read = (file: string): string => fs.readFileSync(path.join(ROOT, file), 'utf8');

/** Every .ts file under bench/, concatenated: where the benchmarks read their settings. */
function benchSources(dir = 'bench'): string {
  return fs
    .readdirSync(path.join(ROOT, dir), { withFileTypes: true })
    .map((e) => (e.isDirectory() ? benchSources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? read(path.join(dir, e.name)) : ''))
    .join('\n');
}

/** README's code spans (`...`, across line breaks) that set a SNAPSCOPE_BENCH_ variable. */
function benchCommands(): string[] {
  return [...read('README.md').matchAll(/`([^`]*)`/g)].map((m) => m[1]!.replace(/\s+/g, ' ')).filter((s) => s.includes('SNAPSCOPE_BENCH_'));
}

it("README's benchmark commands set only variables the benchmarks read", () => {
  const sources = benchSources();
  const commands = benchCommands();
  expect(commands.length).toBeGreaterThan(5);
  const unknown = commands.flatMap((c) => [...c.matchAll(/\b(SNAPSCOPE_BENCH_[A-Z0-9_]*[A-Z0-9])\b/g)].map((m) => m[1]!).filter((v) => !sources.includes(v)).map((v) => `${v} in \`${c}\``));
  expect(unknown).toEqual([]);
});

it("README's npm run bench commands: SNAPSCOPE_BENCH_ONLY values name benchmarks of bench/index.ts", () => {
  const names = new Set([...read('bench/index.ts').matchAll(/\['([a-z-]+)', /g)].map((m) => m[1]!));
  expect(names.size).toBeGreaterThan(3);
  const bad = benchCommands()
    .filter((c) => /npm run bench(?!:)/.test(c))
    .flatMap((c) => [...c.matchAll(/SNAPSCOPE_BENCH_ONLY=(\S+)/g)].flatMap((m) => m[1]!.split(',')).filter((n) => !names.has(n)).map((n) => `${n} in \`${c}\``));
  expect(bad).toEqual([]);
});
