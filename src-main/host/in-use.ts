import fs from 'node:fs';
import path from 'node:path';
import { SnapscopeError } from '../../src-core/errors.ts';
import { keyOf } from './access/extents.ts';
import { childProcess } from './child-process.ts';

/**
 * Who else uses a device or image, in words a user can act on: "attached to /dev/loop3",
 * "mounted on /mnt", "held by dm-2 (vg-snap)", "in the dm table of vg-snap". Writing under the
 * kernel's feet would corrupt a live snapshot, so writers refuse when this is non-empty; readers
 * don't ask.
 */
export function findUsers(target: string): string[] {
  let st: fs.Stats;
  try {
    st = fs.statSync(target);
  } catch {
    return []; // the open that follows reports the missing file
  }
  if (st.isFile()) return loopAttachments(st).map((loop) => `attached to ${loop}`);
  if (!st.isBlockDevice()) return [];
  const dev = devNumber(st.rdev);
  const name = sysName(dev);
  const users: string[] = [];
  for (const n of name ? [name, ...partitions(name)] : []) {
    for (const h of listDir(`/sys/class/block/${n}/holders`)) users.push(`${n === name ? '' : `partition ${n} `}held by ${h}${dmLabel(h)}`);
  }
  const partDevs = name ? partitions(name).map((p) => readSysDev(p)).filter((d): d is string => d !== null) : [];
  for (const m of mounts()) if (m.dev === dev || partDevs.includes(m.dev)) users.push(`mounted on ${m.mountPoint}`);
  for (const t of dmTablesUsing(dev, fs.realpathSync(target))) if (!users.some((u) => u.includes(`(${t})`))) users.push(`in the device-mapper table of ${t}`);
  return users;
}

/** Throws SnapscopeError('in-use') naming every user of `target`: "refusing to <action>". */
export function assertNotInUse(target: string, role: string, action = 'write to it'): void {
  const users = findUsers(target);
  if (users.length) {
    throw new SnapscopeError('in-use', `${role} ${target} is in use (${users.join('; ')}); refusing to ${action}`, { device: target });
  }
}

function devNumber(rdev: number): string {
  const r = BigInt(rdev);
  return `${Number((r >> 8n) & 0xfffn)}:${Number((r & 0xffn) | ((r >> 12n) & 0xfff00n))}`;
}

function sysName(dev: string): string | null {
  try {
    return path.basename(fs.realpathSync(`/sys/dev/block/${dev}`));
  } catch {
    return null;
  }
}

function readSysDev(name: string): string | null {
  try {
    return fs.readFileSync(`/sys/class/block/${name}/dev`, 'utf8').trim();
  } catch {
    return null;
  }
}

function partitions(name: string): string[] {
  return listDir(`/sys/class/block/${name}`).filter((e) => fs.existsSync(`/sys/class/block/${name}/${e}/partition`));
}

function dmLabel(holder: string): string {
  try {
    return ` (${fs.readFileSync(`/sys/class/block/${holder}/dm/name`, 'utf8').trim()})`;
  } catch {
    return '';
  }
}

function listDir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

/** Loop devices whose backing file is this file (same inode, whatever path it was attached by). */
function loopAttachments(st: fs.Stats): string[] {
  return listDir('/sys/block')
    .filter((n) => n.startsWith('loop'))
    .filter((n) => {
      let backing: string;
      try {
        backing = fs.readFileSync(`/sys/block/${n}/loop/backing_file`, 'utf8').trim();
      } catch {
        return false;
      }
      try {
        return keyOf(fs.statSync(backing)) === keyOf(st);
      } catch {
        return false; // backing file deleted or renamed away: not ours
      }
    })
    .map((n) => `/dev/${n}`);
}

function mounts(): { dev: string; mountPoint: string }[] {
  let text: string;
  try {
    text = fs.readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return [];
  }
  // Fields: id parent major:minor root mount-point ...; octal escapes in paths (\040 = space).
  return text
    .split('\n')
    .map((l) => l.split(' '))
    .filter((f) => f.length > 4)
    .map((f) => ({ dev: f[2]!, mountPoint: f[4]!.replace(/\\(\d{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))) }));
}

/** Names of dm devices whose table references `dev` (as major:minor or by path). */
function dmTablesUsing(dev: string, realPath: string): string[] {
  let out: string;
  try {
    out = childProcess().execFileSync('dmsetup', ['table'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 });
  } catch {
    return []; // no dmsetup, no permission or no dm driver: holders and mounts still apply
  }
  const names = new Set<string>();
  for (const line of out.split('\n')) {
    const colon = line.indexOf(': ');
    if (colon < 0) continue;
    const tokens = line.slice(colon + 2).split(/\s+/);
    if (tokens.includes(dev) || tokens.includes(realPath)) names.add(line.slice(0, colon));
  }
  return [...names];
}
