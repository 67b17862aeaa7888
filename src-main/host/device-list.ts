import fs from 'node:fs';
import path from 'node:path';
import type { BlockDeviceDto, DetectedFormat, ImageFileDto } from '../../src-core/api/dto.ts';
import { SNAP_MAGIC as PERSISTENT_MAGIC } from '../../src-core/persistent/format.ts';
import { SHARED_MAGIC } from '../../src-core/shared/format/header.ts';
import { findUsers } from './in-use.ts';
import { mayOpen } from './may-open.ts';

/** Block devices from /sys/block (partitions included), with what a user needs to pick one. */
export function listBlockDevices(): BlockDeviceDto[] {
  const out: BlockDeviceDto[] = [];
  for (const name of readDir('/sys/block').sort(naturally)) {
    const base = `/sys/block/${name}`;
    const size = sectors(`${base}/size`);
    if (size === 0) continue; // unattached loop devices, empty drives
    out.push(describe(name, base, typeOf(name, base)));
    for (const part of readDir(base).filter((p) => fs.existsSync(`${base}/${p}/partition`)).sort(naturally)) {
      out.push(describe(part, `${base}/${part}`, 'part'));
    }
  }
  return out;
}

/** Regular files in `dir` that could be images (by size), with the format their magic says. */
export function listImages(dir: string): ImageFileDto[] {
  const out: ImageFileDto[] = [];
  for (const name of readDir(dir).sort(naturally)) {
    const p = path.join(dir, name);
    let st: fs.Stats;
    try {
      st = fs.statSync(p);
    } catch {
      continue;
    }
    if (!st.isFile() || st.size < 512) continue;
    out.push({ path: p, name, sizeBytes: st.size, modified: st.mtimeMs, format: detectAt(p) });
  }
  return out;
}

/** The format by the le32 magic at offset 0; 'unreadable' when this user cannot read it. */
export function detectAt(p: string): DetectedFormat {
  let fd: number;
  try {
    fd = fs.openSync(p, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch {
    return 'unreadable';
  }
  try {
    const b = Buffer.alloc(4);
    if (fs.readSync(fd, b, 0, 4, 0) < 4) return 'unknown';
    const magic = b.readUInt32LE(0);
    return magic === SHARED_MAGIC ? 'shared' : magic === PERSISTENT_MAGIC ? 'persistent' : 'unknown';
  } catch {
    return 'unreadable';
  } finally {
    fs.closeSync(fd);
  }
}

function describe(name: string, sys: string, type: string): BlockDeviceDto {
  const devPath = `/dev/${name}`;
  const readable = mayOpen(devPath);
  return {
    name,
    path: devPath,
    type,
    sizeBytes: sectors(`${sys}/size`) * 512,
    model: text(`${sys}/device/model`),
    holders: readDir(`${sys}/holders`),
    inUse: fs.existsSync(devPath) ? findUsers(devPath).join('; ') || null : null,
    readOnly: text(`${sys}/ro`) === '1',
    dmName: text(`${sys}/dm/name`),
    backingFile: text(`${sys}/loop/backing_file`),
    readable,
    format: readable ? detectAt(devPath) : 'unreadable',
  };
}

function typeOf(name: string, sys: string): string {
  if (fs.existsSync(`${sys}/dm`)) return 'dm';
  if (fs.existsSync(`${sys}/loop`) || name.startsWith('loop')) return 'loop';
  if (fs.existsSync(`${sys}/md`)) return 'md';
  return 'disk';
}


function sectors(file: string): number {
  return Number(text(file) ?? 0) || 0;
}

function text(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8').trim() || null;
  } catch {
    return null;
  }
}

function readDir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

function naturally(a: string, b: string): number {
  return a.localeCompare(b, undefined, { numeric: true });
}
