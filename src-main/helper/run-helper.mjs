#!/usr/bin/env node
// snapscope's privileged helper: block-device I/O for a user who may not open the device, over
// stdin/stdout only (never a socket). It opens BLOCK DEVICES ONLY — as root, opening a regular
// file would let any user read root's files — and never executes anything it is sent.
// One device per helper process; it exits after CLOSE or when stdin reaches end of file.
import fs from 'node:fs';
import { DirectReader } from './direct-read.mjs';
import { dmReport } from './dm-report.mjs';
import { ERR, MAX_BODY, OK, OP, READY, frame, readFrame, writeAll } from './protocol.mjs';

const IN = 0;
const OUT = 1;
let fd = null;
let size = 0;
let writable = false;
/** Set for a direct (O_DIRECT) open: a live COW the kernel writes under us. */
let direct = null;

class Refused extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

function u64(n) {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
}

/** Size in bytes from sysfs (fs has no lseek or BLKGETSIZE64). */
function blockSize(st) {
  const r = BigInt(st.rdev);
  const major = Number((r >> 8n) & 0xfffn);
  const minor = Number((r & 0xffn) | ((r >> 12n) & 0xfff00n));
  return Number(fs.readFileSync(`/sys/dev/block/${major}:${minor}/size`, 'utf8').trim()) * 512;
}

function open(body) {
  if (fd !== null) throw new Refused('EBUSY', 'a device is already open');
  const write = (body[0] & 1) !== 0;
  const isDirect = (body[0] & 2) !== 0;
  if (write && isDirect) throw new Refused('EINVAL', 'direct opens are read-only');
  const path = body.subarray(1).toString('utf8');
  if (!path.startsWith('/')) throw new Refused('EINVAL', 'path must be absolute');
  // stat follows symlinks (/dev/mapper/x, /dev/vg/lv are links to block devices); checked again
  // on the open descriptor so a swap between the two is caught.
  const before = fs.statSync(path);
  if (!before.isBlockDevice()) throw new Refused('ENOTBLK', `${path} is not a block device; the helper opens block devices only`);
  const flags = (write ? fs.constants.O_RDWR | fs.constants.O_EXCL : fs.constants.O_RDONLY) | fs.constants.O_NONBLOCK | (isDirect ? fs.constants.O_DIRECT : 0);
  const opened = fs.openSync(path, flags);
  const after = fs.fstatSync(opened);
  if (!after.isBlockDevice() || after.rdev !== before.rdev) {
    fs.closeSync(opened);
    throw new Refused('ENOTBLK', `${path} changed while opening; refused`);
  }
  fd = opened;
  writable = write;
  direct = isDirect ? new DirectReader(fs, opened) : null;
  size = blockSize(after);
  return u64(size);
}

function range(offset, length) {
  if (fd === null) throw new Refused('EBADF', 'no device open');
  if (offset < 0 || length < 0 || offset + length > size) throw new Refused('EINVAL', `access of ${length} bytes at ${offset} is past the end (${size})`);
}

function handle(op, body) {
  switch (op) {
    case OP.OPEN:
      return open(body);
    case OP.READ: {
      const offset = Number(body.readBigUInt64LE(0));
      const length = body.readUInt32LE(8);
      if (length > MAX_BODY - 16) throw new Refused('EINVAL', 'read too large');
      range(offset, length);
      const out = Buffer.alloc(length);
      if (direct) {
        direct.read(out, 0, length, offset);
        return out;
      }
      let done = 0;
      while (done < length) {
        const n = fs.readSync(fd, out, done, length - done, offset + done);
        if (n === 0) throw new Refused('EIO', `short read at ${offset + done}`);
        done += n;
      }
      return out;
    }
    case OP.WRITE: {
      const offset = Number(body.readBigUInt64LE(0));
      const data = body.subarray(8);
      range(offset, data.length);
      if (!writable) throw new Refused('EROFS', 'device opened read-only');
      let done = 0;
      while (done < data.length) done += fs.writeSync(fd, data, done, data.length - done, offset + done);
      return Buffer.alloc(0);
    }
    case OP.FLUSH:
      if (fd !== null && writable) fs.fsyncSync(fd);
      return Buffer.alloc(0);
    case OP.SIZE:
      range(0, 0);
      return u64(size);
    case OP.CLOSE:
      if (fd !== null) fs.closeSync(fd);
      fd = null;
      return Buffer.alloc(0);
    case OP.LIST_DM:
      return Buffer.from(JSON.stringify(dmReport()));
    default:
      throw new Refused('EINVAL', `unknown operation ${op}`);
  }
}

writeAll(fs, OUT, frame(OK, Buffer.from(READY)));
for (;;) {
  let request;
  try {
    request = readFrame(fs, IN);
  } catch (e) {
    process.stderr.write(`snapscope-helper: ${e.message}\n`);
    process.exit(2);
  }
  if (request === null) break;
  let reply;
  try {
    reply = frame(OK, handle(request.tag, request.body));
  } catch (e) {
    reply = frame(ERR, Buffer.from(`${e.code ?? 'EIO'} ${e.message}`));
  }
  writeAll(fs, OUT, reply);
  // stdin is a FIFO this process also holds open (O_RDWR), so end of file never comes: CLOSE ends it.
  if (request.tag === OP.CLOSE) break;
}
if (fd !== null) fs.closeSync(fd);
