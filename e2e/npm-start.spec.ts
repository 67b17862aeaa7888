import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from './app.ts';

const ROOT = path.resolve(import.meta.dirname, '..');

/** Starts a command that ends up serving, and resolves with the port it printed. */
async function serving(args: string[], dir: string): Promise<{ child: ChildProcess; port: number }> {
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_DATA_HOME: dir, HOME: dir };
  delete env.DISPLAY;
  delete env.WAYLAND_DISPLAY;
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const port = await new Promise<number>((resolve, reject) => {
    const onData = (d: Buffer): void => {
      output += String(d);
      const m = /serving http:\/\/127\.0\.0\.1:(\d+)\//.exec(output);
      if (m) resolve(Number(m[1]));
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited ${code} before serving:\n${output}`)));
  });
  return { child, port };
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

describe('signals: npm start and snapscope serve stop their server and exit as it did', () => {
  it('npm start (no display: serve) forwards SIGTERM and SIGINT: the server stops, nothing keeps listening', async () => {
    for (const [signal, code] of [['SIGTERM', 143], ['SIGINT', 130]] as const) {
      const { child, port } = await serving(['scripts/start.mjs'], tempDir('npm-start'));
      expect(await listening(port)).toBe(true);
      child.kill(signal);
      expect(await exited(child), signal).toBe(code);
      expect(await listening(port), `${signal}: port ${port} still listening`).toBe(false);
    }
  });

  it('snapscope serve exits 130 on SIGINT and 143 on SIGTERM', async () => {
    for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
      const { child, port } = await serving(['bin/snapscope.mjs', 'serve'], tempDir('serve-signal'));
      child.kill(signal);
      expect(await exited(child), signal).toBe(code);
      expect(await listening(port)).toBe(false);
    }
  });
});
