// A stand-in for the kernel's persistent store writing a COW file while someone reads it: after
// each exception it rewrites the current area chunk whole (as area_io() does), and moves on to a
// zeroed next area when one is full. Args: <cow> <chunk sectors> <exceptions>. Prints "done".
import fs from 'node:fs';

const [cowPath, chunkArg, countArg] = process.argv.slice(2);
const chunkBytes = Number(chunkArg) * 512;
const epa = chunkBytes / 16;
const stride = epa + 1;
const fd = fs.openSync(cowPath, 'r+');
const area = Buffer.alloc(chunkBytes);
let nextFree = 2;
for (let i = 0; i < Number(countArg); i++) {
  const a = Math.floor(i / epa);
  const slot = i % epa;
  if (slot === 0) area.fill(0);
  if (nextFree % stride === 1) nextFree++; // skip area locations
  area.writeBigUInt64LE(BigInt(i * 7 + 3), slot * 16);
  area.writeBigUInt64LE(BigInt(nextFree++), slot * 16 + 8);
  fs.writeSync(fd, area, 0, chunkBytes, (1 + a * stride) * chunkBytes);
}
fs.closeSync(fd);
process.stdout.write('done\n');
