import type { OptionSpec, PositionalSpec } from './command.ts';

/**
 * The words every command shares, so each is given the same way everywhere: the COW is the first
 * positional, the origin is --origin, a snapshot is -s/--snapshot (slot, name or UUID).
 */
export const COW: PositionalSpec = { name: 'cow', help: 'COW device or image (shared or persistent; detected by magic)', complete: 'file' };

export const ORIGIN: OptionSpec = { type: 'string', value: 'PATH', required: true, help: 'origin device or image', complete: 'file' };

export const SNAPSHOT: OptionSpec = { type: 'string', value: 'SNAP', short: 's', help: 'the snapshot: slot, name or UUID', complete: 'snapshot' };

/** Options of commands that show progress (run-job.ts). */
export const PROGRESS: Record<string, OptionSpec> = {
  interval: { type: 'number', value: 'SECONDS', help: 'off a terminal, print a progress line every SECONDS (default 10; 0: none)' },
  quiet: { type: 'boolean', short: 'q', help: 'no progress output' },
};
