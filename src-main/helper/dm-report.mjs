// The device-mapper snapshots of this machine as its tools print them, for `snapscope watch`, the
// live views and remote hosts: the same code runs in the CLI (root) and in the privileged helper
// (LIST_DM), so both report alike. Plain JavaScript with Node built-ins only (the helper runs as
// root with bare node). It runs fixed commands with fixed arguments, never anything it is sent.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const VANISHED = /ioctl on .* failed: No such device or address/;
/** Listings taken again when a device vanished in the middle of one. */
const ATTEMPTS = 5;

export const LVS_ARGS = ['--reportformat', 'json', '-o', 'vg_name,lv_name,lv_attr,origin,lv_dm_path'];

function run(tool, args) {
  try {
    return execFileSync(tool, args, { encoding: 'utf8', timeout: 10_000, maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    if (e.code === 'ENOENT') throw Object.assign(new Error(`${tool} is not installed`), { code: 'ENOENT' });
    const said = String(e.stderr ?? '').trim().split('\n')[0] || e.message;
    // "table ioctl on vg-lv-real failed: No such device or address": that device went away between
    // dmsetup's listing and its ioctl (lvm finishing a merge), not device-mapper itself.
    const code = VANISHED.test(said) ? 'ENXIO' : /No such device|Failure to communicate/.test(said) ? 'ENODEV' : /Permission denied|must be root/i.test(said) ? 'EACCES' : 'EIO';
    throw Object.assign(new Error(`${tool} ${args.join(' ')}: ${said}`), { code });
  }
}

/** "major:minor" → device node, for every block device ("/dev/mapper/<name>" for dm devices). */
function blockDevices() {
  const out = {};
  for (const majMin of fs.readdirSync('/sys/dev/block')) {
    const sys = `/sys/dev/block/${majMin}`;
    let name = '';
    try {
      name = fs.readFileSync(`${sys}/dm/name`, 'utf8').trim();
    } catch {
      // not a dm device
    }
    try {
      out[majMin] = name ? `/dev/mapper/${name}` : `/dev/${path.basename(fs.realpathSync(sys))}`;
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/**
 * { table, status, lvs (null without lvm2), devices, dmError }: the block devices are listed even
 * where device-mapper is missing; then dmError says why ({ code: ENOENT|ENODEV|EACCES|EIO, message }).
 */
export function dmReport() {
  const devices = blockDevices();
  let table;
  let status;
  for (let attempt = 1; ; attempt++) {
    try {
      table = run('dmsetup', ['table']);
      status = run('dmsetup', ['status']);
      break;
    } catch (e) {
      if (e.code === 'ENXIO' && attempt < ATTEMPTS) continue; // a device came and went: list again
      return { table: '', status: '', lvs: null, devices, dmError: { code: e.code, message: e.message } };
    }
  }
  let lvs = null;
  try {
    lvs = run('lvs', LVS_ARGS);
  } catch {
    // lvm2 absent or without volume groups: the kernel's list stands alone
  }
  return { table, status, lvs, devices, dmError: null };
}
