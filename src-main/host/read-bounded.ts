import fs from 'node:fs';

/**
 * The whole of a small input file (a script, a --data-file), or null when it goes on past `limit`
 * bytes: /dev/zero or /dev/urandom never end, and readFileSync would read them until memory ran
 * out. Pipes are read as they come (`--script <(gen)`). Errors of the open or read are thrown as
 * they are, for the caller's message.
 */
export function readBounded(path: string, limit: number): Buffer | null {
  const fd = fs.openSync(path, 'r');
  try {
    const pieces: Buffer[] = [];
    let total = 0;
    for (;;) {
      const piece = Buffer.allocUnsafe(Math.min(1 << 20, limit + 1 - total));
      const n = fs.readSync(fd, piece, 0, piece.length, null);
      if (n === 0) return Buffer.concat(pieces, total);
      pieces.push(piece.subarray(0, n));
      total += n;
      if (total > limit) return null;
    }
  } finally {
    fs.closeSync(fd);
  }
}
