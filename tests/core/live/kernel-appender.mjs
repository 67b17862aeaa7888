// A stand-in for the kernel's persistent store writing a COW (file or device) while someone reads
// it: after each exception it rewrites the current area chunk whole (as area_io() does), and moves
// on to a zeroed next area when one is full. Exception i maps origin chunk 7i+3 to the next free
// COW chunk, as the kernel allocates them (areas skipped).
// Args: <cow> <chunk sectors> <exceptions> [<from>] — appends entries from..exceptions-1 to a COW
// that holds entries 0..from-1 written by an earlier run. Prints "done".
import fs from 'node:fs';

const [cowPath, chunkArg, countArg, fromArg = '0'] = process.argv.slice(2);
const chunkBytes = Number(chunkArg) * 512;
const epa = chunkBytes / 16;
const stride = epa + 1;
const from = Number(fromArg);
const fd = fs.openSync(cowPath, 'r+');
const area = Buffer.alloc(chunkBytes);
const areaAt = (a) => (1 + a * stride) * chunkBytes;
if (from % epa !== 0) fs.readSync(fd, area, 0, chunkBytes, areaAt(Math.floor(from / epa)));
let nextFree = 2;
for (let i = 0; i < Number(countArg); i++) {
  const a = Math.floor(i / epa);
  const slot = i % epa;
  if (nextFree % stride === 1) nextFree++; // skip area locations
  const chunk = nextFree++;
  if (i < from) continue;
  if (slot === 0) area.fill(0);
  area.writeBigUInt64LE(BigInt(i * 7 + 3), slot * 16);
  area.writeBigUInt64LE(BigInt(chunk), slot * 16 + 8);
  fs.writeSync(fd, area, 0, chunkBytes, areaAt(a));
}
fs.fsyncSync(fd);
fs.closeSync(fd);
process.stdout.write('done\n');
