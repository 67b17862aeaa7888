// The block devices of this machine as /sys/block describes them, for a remote host's device list
// (LIST_BLOCK): the helper's machine is the one to look at, and only it may read the devices. Per
// device not in use it reads the first 4 bytes (read-only, O_NONBLOCK, block devices only) and says
// only which of the client's store magics they are (0 for none): the bytes themselves of devices
// nobody confirmed never leave this machine, and no mounted or swap device is read at all.
import fs from 'node:fs';
import { devicesInUse } from './device-guard.mjs';

/** [{ name, type, sizeBytes, model, holders, readOnly, dmName, backingFile, mounted, magic }]; `known`: the magics to recognise. */
export function blockReport(known) {
  const used = devicesInUse();
  const out = [];
  for (const name of list('/sys/block').sort(naturally)) {
    const base = `/sys/block/${name}`;
    if (sectors(base) === 0) continue; // unattached loop devices, empty drives
    out.push(describe(name, base, typeOf(name, base), used, known));
    for (const part of list(base).filter((p) => fs.existsSync(`${base}/${p}/partition`)).sort(naturally)) {
      out.push(describe(part, `${base}/${part}`, 'part', used, known));
    }
  }
  return out;
}

function describe(name, sys, type, used, known) {
  const mounted = used.has(text(`${sys}/dev`));
  return {
    name,
    type,
    sizeBytes: sectors(sys) * 512,
    model: text(`${sys}/device/model`),
    holders: list(`${sys}/holders`),
    readOnly: text(`${sys}/ro`) === '1',
    dmName: text(`${sys}/dm/name`),
    backingFile: text(`${sys}/loop/backing_file`),
    mounted,
    magic: mounted ? null : recognised(magicOf(`/dev/${name}`), known),
  };
}

/** The le32 at offset 0, -1 when shorter, null when the node cannot be read (or is no block device). */
function magicOf(p) {
  let fd;
  try {
    fd = fs.openSync(p, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch {
    return null;
  }
  try {
    if (!fs.fstatSync(fd).isBlockDevice()) return null;
    const b = Buffer.alloc(4);
    return fs.readSync(fd, b, 0, 4, 0) < 4 ? -1 : b.readUInt32LE(0);
  } catch {
    return null;
  } finally {
    fs.closeSync(fd);
  }
}

/** The magic when it is one the client asked about, else 0 (null and -1 pass through). */
function recognised(magic, known) {
  return magic === null || magic === -1 || known.includes(magic) ? magic : 0;
}

function typeOf(name, sys) {
  if (fs.existsSync(`${sys}/dm`)) return 'dm';
  if (fs.existsSync(`${sys}/loop`) || name.startsWith('loop')) return 'loop';
  if (fs.existsSync(`${sys}/md`)) return 'md';
  return 'disk';
}

function sectors(sys) {
  return Number(text(`${sys}/size`) ?? 0) || 0;
}

function text(file) {
  try {
    return fs.readFileSync(file, 'utf8').trim() || null;
  } catch {
    return null;
  }
}

function list(dir) {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

function naturally(a, b) {
  return a.localeCompare(b, undefined, { numeric: true });
}
