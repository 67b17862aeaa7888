// The privileged helper's framed protocol (docs/adr/0004-privileged-helper.md). Plain JavaScript
// with no imports but node:fs, because the helper runs as root with bare `node`, no TypeScript.
//
// Request:  u32le body length | u8 op | body
//   OPEN  u8 flags (1 write, 2 direct: O_DIRECT reads, read-only, 4 shared: a reader's shared
//         flock), utf-8 path → u64le size, and with 4 a u8: 0 held, 1 a writer holds the exclusive
//         flock (opened all the same), 2 no flock(1) (a helper without 4 answers the size alone)
//   READ  u64le offset, u32le length      → the bytes
//   WRITE u64le offset, bytes             → (empty)
//   FLUSH, SIZE, CLOSE (empty)            → (empty) | u64le size | (empty)
//   LIST_DM (empty)                       → utf-8 JSON of dm-report.mjs (no device needs to be open)
//   LIST_BLOCK (empty)                    → utf-8 JSON of block-report.mjs (likewise)
// Response: u32le body length | u8 status (0 ok, 1 error) | body (error: utf-8 "CODE message")
// On start the helper sends one ok response whose body is READY.

export const OP = Object.freeze({ OPEN: 1, READ: 2, WRITE: 3, FLUSH: 4, SIZE: 5, CLOSE: 6, LIST_DM: 7, LIST_BLOCK: 8 });
export const OK = 0;
export const ERR = 1;
/** OPEN's flags. */
export const OPEN_FLAG = Object.freeze({ WRITE: 1, DIRECT: 2, SHARED: 4 });
/** The u8 after OPEN's size when SHARED was asked: how the reader's shared flock went. */
export const SHARED_LOCK = Object.freeze(['locked', 'conflict', 'unavailable']);
export const READY = 'snapscope-helper 1';
/** Largest body either side accepts: one 16 MiB read or write plus its header. */
export const MAX_BODY = 16 * 1024 * 1024 + 16;

/** Encodes one frame: length, tag byte, body. */
export function frame(tag, body) {
  const out = Buffer.alloc(5 + body.length);
  out.writeUInt32LE(body.length, 0);
  out.writeUInt8(tag, 4);
  out.set(body, 5);
  return out;
}

/** Reads exactly `n` bytes from a blocking fd; null at end of file before the first byte. */
export function readExactly(fs, fd, n) {
  const buf = Buffer.alloc(n);
  let done = 0;
  while (done < n) {
    let got;
    try {
      got = fs.readSync(fd, buf, done, n - done, null);
    } catch (e) {
      if (e.code === 'EAGAIN' || e.code === 'EINTR') continue;
      throw e;
    }
    if (got === 0) {
      if (done === 0) return null;
      throw new Error(`peer closed mid-frame (${done}/${n} bytes)`);
    }
    done += got;
  }
  return buf;
}

/** Reads one frame: { tag, body } or null at a clean end of file. */
export function readFrame(fs, fd) {
  const head = readExactly(fs, fd, 5);
  if (head === null) return null;
  const length = head.readUInt32LE(0);
  if (length > MAX_BODY) throw new Error(`frame of ${length} bytes exceeds ${MAX_BODY}`);
  const body = length === 0 ? Buffer.alloc(0) : readExactly(fs, fd, length);
  if (body === null) throw new Error('peer closed mid-frame');
  return { tag: head.readUInt8(4), body };
}

export function writeAll(fs, fd, buf) {
  let done = 0;
  while (done < buf.length) {
    try {
      done += fs.writeSync(fd, buf, done, buf.length - done);
    } catch (e) {
      if (e.code === 'EAGAIN' || e.code === 'EINTR') continue;
      throw e;
    }
  }
}
