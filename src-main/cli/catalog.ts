import fs from 'node:fs';
import type { CommandSpec } from './command.ts';

/** What the CLI knows before loading any command: its version and every command's descriptor. */
export interface Catalog {
  version: string;
  commands: CommandSpec[];
}

/**
 * The bundle (bin/snapscope.cjs) writes catalog.json next to itself; run from sources, the
 * descriptors come from loading every command module.
 */
export async function catalog(): Promise<Catalog> {
  const built = readJson<Catalog>(new URL('./catalog.json', import.meta.url));
  if (built) return built;
  const pkg = readJson<{ version: string }>(new URL('../../package.json', import.meta.url))!;
  // A computed path, so a bundle does not carry every command for this (sources only) case.
  const index = './commands/index.ts';
  const { loadAll } = (await import(index)) as typeof import('./commands/index.ts');
  return { version: pkg.version, commands: specsOf(await loadAll()) };
}

/** Descriptors without their code: what catalog.json holds. */
export function specsOf(commands: readonly CommandSpec[]): CommandSpec[] {
  return JSON.parse(JSON.stringify(commands)) as CommandSpec[];
}

function readJson<T>(url: URL): T | null {
  try {
    return JSON.parse(fs.readFileSync(url, 'utf8')) as T;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}
