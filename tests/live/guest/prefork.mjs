// A helper started before its client (guest/init.sh): Node's start takes seconds under emulation,
// so each port keeps one waiting. On the client's first line (the helper's arguments, as ssh
// carries a command line; guest/bridge.mjs sends it) it runs snapscope's helper with them, in this
// process, on the same stdin and stdout. Read a byte at a time: what follows the line is the
// helper's protocol. With no client on the port a read ends at once, empty: poll until one comes.
import fs from 'node:fs';

const byte = Buffer.alloc(1);
const pause = new Int32Array(new SharedArrayBuffer(4));
let line = '';
for (;;) {
  if (fs.readSync(0, byte, 0, 1, null) === 0) {
    Atomics.wait(pause, 0, 0, 200);
    continue;
  }
  if (byte[0] === 0x0a) break;
  line += String.fromCharCode(byte[0]);
}
process.argv.push(...line.split(' ').filter(Boolean));
await import('./run-helper.mjs');
