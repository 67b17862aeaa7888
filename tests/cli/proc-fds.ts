import fs from 'node:fs';

/** Whether process `pid` has `file` (a real path) open; null once it has exited (a zombie has no fds). */
export function holds(pid: number, file: string): boolean | null {
  try {
    if (/\) Z /.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'))) return null;
    return fs.readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return fs.readlinkSync(`/proc/${pid}/fd/${fd}`) === file;
      } catch {
        return false;
      }
    });
  } catch {
    return null;
  }
}
