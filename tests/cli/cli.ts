import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { onTestFinished } from 'vitest';

/** Runs the real CLI (`node bin/snapscope.mjs`) as a user would; tests assert on what comes out. */
const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin/snapscope.mjs');

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function cli(...args: (string | number)[]): Run {
  const r = spawnSync(process.execPath, [BIN, ...args.map(String)], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Runs the CLI and parses its stdout as one JSON document (the run must print JSON). */
export function cliJson<T = any>(...args: (string | number)[]): { code: number; value: T; stderr: string } {
  const r = cli(...args, '--json');
  try {
    return { code: r.code, value: JSON.parse(r.stdout) as T, stderr: r.stderr };
  } catch {
    throw new Error(`not JSON (exit ${r.code}): ${r.stdout}\n${r.stderr}`);
  }
}

/** Starts the CLI without waiting (merge with SIGINT). */
export function cliAsync(...args: (string | number)[]) {
  return spawn(process.execPath, [BIN, ...args.map(String)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Asserts a failure is one clear line: no stack trace, no internal error. */
export function oneLine(r: Run): string {
  const text = r.stderr.trim();
  if (text.includes('\n') || /\bat .*:\d+:\d+/.test(text) || text.includes('internal error')) throw new Error(`not one clear line: ${text}`);
  return text;
}

/** A temporary directory, removed when the current test ends. */
export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snapscope-cli-'));
  onTestFinished(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function sha256(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** A file of `bytes` whose every chunk is identifiable: chunk c is filled with byte (c*7+1)&255. */
export function writeOrigin(file: string, bytes: number, chunkBytes: number): void {
  const b = Buffer.alloc(bytes);
  for (let c = 0; c * chunkBytes < bytes; c++) b.fill((c * 7 + 1) & 255, c * chunkBytes, Math.min((c + 1) * chunkBytes, bytes));
  fs.writeFileSync(file, b);
}

export const ROOT_DIR = ROOT;
