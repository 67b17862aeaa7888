/**
 * The engine drivers the benchmarks run in child processes (bench/matched/*-driver.ts), bundled with
 * esbuild the way the CLI and serve's engine threads ship (bin/snapscope.cjs's settings,
 * scripts/esbuild-node.cjs) and run with plain `node`, not through tsx, which wraps every function
 * it compiles (keepNames): the figures are of the engine users run. Built once per benchmark run,
 * into the caller's temporary directory.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions, type Plugin } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { nodeBundleOptions, sourceFileUrls } = createRequire(import.meta.url)('../scripts/esbuild-node.cjs') as {
  nodeBundleOptions: (root: string, outdir: string) => BuildOptions;
  sourceFileUrls: () => Plugin;
};

const DRIVERS = { engine: 'bench/matched/engine-driver.ts', grown: 'bench/matched/grown-driver.ts' } as const;
export type DriverName = keyof typeof DRIVERS;

export interface EngineDrivers {
  /** The argv (before the driver's own arguments) that runs a driver with `node`. */
  argv(name: DriverName): string[];
  /** How the engine runs, for the benchmark's header. */
  how: string;
}

/** Bundles every driver into `dir`/drivers (one file each, ES modules). */
export async function bundleDrivers(dir: string): Promise<EngineDrivers> {
  const out = path.join(dir, 'drivers');
  await build({ ...nodeBundleOptions(root, out), metafile: false, entryPoints: DRIVERS, outExtension: { '.js': '.mjs' }, plugins: [sourceFileUrls()] });
  return {
    argv: (name) => [path.join(out, `${name}.mjs`)],
    how: `engine: esbuild bundle (as the CLI ships it), run with node ${process.version}`,
  };
}
