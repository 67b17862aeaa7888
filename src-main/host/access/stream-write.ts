import fs from 'node:fs';

/** The reader of a pipe went away (`snapscope dump | head`): the command ends quietly, as coreutils do. */
export class OutputClosed extends Error {
  constructor(readonly target: string) {
    super(`${target} was closed by its reader`);
  }
}

/** Exit status of a command whose output pipe closed: 128 + SIGPIPE, what a shell reports for `yes | head`. */
export const EXIT_PIPE_CLOSED = 141;

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/**
 * Writes all of `data` to a pipe, terminal or file descriptor, waiting while it is full. Node puts
 * its stdout pipe in non-blocking mode, where a plain writeSync fails with EAGAIN once the reader
 * falls 64 KiB behind; here that means "wait and retry" (back-pressure), and EPIPE means
 * OutputClosed.
 */
export function writeAllSync(fd: number, data: string | Uint8Array, name = 'standard output'): void {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  let done = 0;
  let wait = 1;
  while (done < bytes.length) {
    try {
      done += fs.writeSync(fd, bytes, done, bytes.length - done);
      wait = 1;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') throw new OutputClosed(name);
      if (code !== 'EAGAIN') throw e;
      Atomics.wait(sleeper, 0, 0, wait);
      wait = Math.min(wait * 2, 50);
    }
  }
}
