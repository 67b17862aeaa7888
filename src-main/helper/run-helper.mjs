#!/usr/bin/env node
// snapscope's privileged helper: block-device I/O for a user who may not open the device, over
// stdin/stdout only (never a socket). Usage: run-helper.mjs DEVICE... — the devices named on the
// command line are the ones the privilege prompt confirmed; OPEN of anything else is refused
// (docs/adr/0004). It opens BLOCK DEVICES ONLY (as root, opening a regular file would let any user
// read root's files), never one holding a mounted file system unless an admin policy allows it,
// and never executes anything it is sent (a device opened for writing is locked as the CLI's
// writers lock theirs: perl or flock(1) from /usr/bin or /bin, with an empty environment, on a
// duplicate of its descriptor; device-guard.mjs lockForWriting; a reader asking for it gets a
// shared flock likewise, lockForReading). One device at a time; it exits at end of input — when
// its client closes the pipe or dies — and after CLOSE.
import fs from 'node:fs';
import { DirectReader } from './direct-read.mjs';
import { blockReport } from './block-report.mjs';
import { dmReport } from './dm-report.mjs';
import { ERR, MAX_BODY, OK, OP, OPEN_FLAG, READY, SHARED_LOCK, frame, readFrame, writeAll } from './protocol.mjs';
import { Refused, blockHandle, confirmedDevices, loadPolicy, lockForReading, lockForWriting, refuseMounted, reopen } from './device-guard.mjs';

const IN = 0;
const OUT = 1;
const confirmed = confirmedDevices(process.argv.slice(2));
const policy = loadPolicy();
let fd = null;
let size = 0;
let writable = false;
/** Set for a direct (O_DIRECT) open: a live COW the kernel writes under us. */
let direct = null;

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
  const write = (body[0] & OPEN_FLAG.WRITE) !== 0;
  const isDirect = (body[0] & OPEN_FLAG.DIRECT) !== 0;
  const shared = (body[0] & OPEN_FLAG.SHARED) !== 0;
  if (write && isDirect) throw new Refused('EINVAL', 'direct opens are read-only');
  if (shared && (write || isDirect)) throw new Refused('EINVAL', 'a shared lock is for plain reads');
  const path = body.subarray(1).toString('utf8');
  if (!confirmed.has(path)) throw new Refused('EACCES', `${path} was not confirmed for this helper (it was started for ${[...confirmed.keys()].join(', ') || 'no block device'})`);
  const handle = blockHandle(path); // no driver is opened before the node is known to be a block device
  try {
    if (confirmed.get(path) === null || handle.st.rdev !== confirmed.get(path)) throw new Refused('EACCES', `${path} names another device than the one confirmed; refused`);
    const opened = reopen(handle, write, isDirect);
    let lock = null;
    try {
      refuseMounted(handle, opened, path, policy);
      if (write) lockForWriting(opened, path);
      if (shared) lock = lockForReading(opened);
    } catch (e) {
      fs.closeSync(opened);
      throw e;
    }
    fd = opened;
    writable = write;
    direct = isDirect ? new DirectReader(fs, opened) : null;
    size = blockSize(handle.st);
    return lock === null ? u64(size) : Buffer.concat([u64(size), Buffer.from([SHARED_LOCK.indexOf(lock)])]);
  } finally {
    fs.closeSync(handle.fd);
  }
}

/** LIST_BLOCK's body: the store magics the client recognises, le32 each. */
function magics(body) {
  if (body.length % 4 !== 0 || body.length > 64) throw new Refused('EINVAL', 'bad magic list');
  const out = [];
  for (let i = 0; i < body.length; i += 4) out.push(body.readUInt32LE(i));
  return out;
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
      if (body.length !== 12) throw new Refused('EINVAL', 'malformed read request');
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
      if (body.length < 8) throw new Refused('EINVAL', 'malformed write request');
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
    case OP.LIST_BLOCK:
      return Buffer.from(JSON.stringify(blockReport(magics(body))));
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
    break;
  }
  if (request === null) break; // the client closed its end, or died
  let reply;
  try {
    reply = frame(OK, handle(request.tag, request.body));
  } catch (e) {
    reply = frame(ERR, Buffer.from(`${e.code ?? 'EIO'} ${e.message}`));
  }
  try {
    writeAll(fs, OUT, reply);
  } catch {
    break; // nobody reads the replies any more
  }
  if (request.tag === OP.CLOSE) break;
}
if (fd !== null) fs.closeSync(fd);
process.exit(0);
