// A stand-in for the kernel merging a persistent COW back into its origin (snapshot-merge) while
// someone reads it: it merges the newest exception first and, as persistent_commit_merge() does,
// zeroes its entry and rewrites the current area chunk whole; an emptied area leaves the one
// before it current. The table only ever shrinks.
// Args: <cow> <chunk sectors> <exceptions now> <exceptions left> — merges entries down to `left`.
import fs from 'node:fs';

const [cowPath, chunkArg, fromArg, toArg] = process.argv.slice(2);
const chunkBytes = Number(chunkArg) * 512;
const epa = chunkBytes / 16;
const stride = epa + 1;
const fd = fs.openSync(cowPath, 'r+');
const area = Buffer.alloc(chunkBytes);
const areaAt = (a) => (1 + a * stride) * chunkBytes;
let current = -1;
for (let i = Number(fromArg) - 1; i >= Number(toArg); i--) {
  const a = Math.floor(i / epa);
  if (a !== current) fs.readSync(fd, area, 0, chunkBytes, areaAt((current = a)));
  area.fill(0, (i % epa) * 16, (i % epa) * 16 + 16);
  fs.writeSync(fd, area, 0, chunkBytes, areaAt(a));
}
fs.fsyncSync(fd);
fs.closeSync(fd);
process.stdout.write('done\n');
