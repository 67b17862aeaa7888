import fs from 'node:fs';

/**
 * CPU time (user + system, ms) used so far by the Chromium processes under this one (browser,
 * renderer, GPU): what a drag costs the machine whatever the load. Linux only (/proc); 0 elsewhere.
 */
export function chromiumCpuMs(root = process.pid): number {
  let total = 0;
  const walk = (pid: number): void => {
    let children: number[] = [];
    try {
      if (fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('chrom')) {
        const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
        total += ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in 1/100 s
      }
      children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    } catch {
      // gone, or not Linux
    }
    for (const child of children) walk(child);
  };
  walk(root);
  return total;
}
