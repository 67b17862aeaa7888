/** The set-up of the API tests that compare the host with the CLI: an in-process service and the real CLI. */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { onTestFinished } from 'vitest';
import type { ApiEvent, EngineClient } from '../../src-core/api/contract.ts';
import { inProcess } from './fixtures.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/snapscope.mjs');

/** The real EngineService (data dir `dir`/data) behind the contract client, disposed when the test ends, and every event it sent. */
export function startApi(dir: string): { c: EngineClient; events: ApiEvent[] } {
  const r = inProcess(path.join(dir, 'data'));
  onTestFinished(() => r.service.dispose());
  const events: ApiEvent[] = [];
  r.client.onEvent((e) => events.push(e));
  return { c: r.client, events };
}

/** Runs the real CLI and returns its stdout; a non-zero exit throws. */
export function snapscope(...args: string[]): string {
  return execFileSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
}
