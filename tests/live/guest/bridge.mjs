// The live suite's transport to the helper in the qemu guest: stdin and stdout joined to one of
// the guest's virtio-serial sockets, as `ssh -T host sudo snapscope-helper` joins them to a remote
// helper. Connecting is what starts a helper in the guest (guest/init.sh), as sshd would.
// Usage: bridge.mjs DIR [HELPER ARGUMENT...]   (DIR holds helper0.sock, helper1.sock, ...)
//
// A qemu socket takes one client at a time, so each bridge claims a free port (a helperN.busy
// file holding its pid; a dead holder's claim is taken over), as each ssh session gets a channel
// of its own: several helpers (a monitor's, a live COW's) can be open at once.
//
// Unlike an ssh channel, a virtio port outlives its clients: what the previous helper wrote after
// its client left (its reply to CLOSE) can still be queued. So nothing is passed on before this
// connection's helper greets, which makes every connection start clean, as a new channel would.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { OK, READY, frame } from '../../../src-main/helper/protocol.mjs';

const GREETING = frame(OK, Buffer.from(READY));
const [dir, ...helperArgs] = process.argv.slice(2);
const claim = claimPort(dir);
if (claim === null) {
  process.stderr.write(`bridge: every helper port of the guest in ${dir} is in use\n`);
  process.exit(1);
}
const release = () => fs.rmSync(claim.busy, { force: true });
process.on('exit', release);
const sock = net.connect(claim.socket);
let pending = Buffer.alloc(0);
let greeted = false;

sock.on('connect', () => {
  // The helper's command line, as ssh would carry it; the guest starts a helper with it (guest/init.sh).
  sock.write(`${helperArgs.join(' ')}\n`);
  process.stdin.pipe(sock);
});
sock.on('data', (data) => {
  if (greeted) return void process.stdout.write(data);
  pending = Buffer.concat([pending, data]);
  const at = pending.indexOf(GREETING);
  if (at < 0) return;
  greeted = true;
  process.stdout.write(pending.subarray(at));
});
sock.on('error', (e) => {
  process.stderr.write(`bridge: ${e.message}\n`);
  process.exit(1);
});
sock.on('close', () => process.exit(0));
// Our client is done: free the port for the next one (qemu takes one client at a time).
process.stdin.on('end', () => {
  sock.end();
  setTimeout(() => process.exit(0), 200).unref();
});
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(signal, () => process.exit(0));

/**
 * A port nobody holds, { socket, busy }, or null: taken in turn (helper.next says where to start),
 * so the port just left has time to start its next helper (guest/prefork.mjs) before it is used.
 */
function claimPort(where) {
  let ports = 0;
  while (fs.existsSync(path.join(where, `helper${ports}.sock`))) ports++;
  const next = path.join(where, 'helper.next');
  const first = Number(fs.existsSync(next) ? fs.readFileSync(next, 'utf8') : 0) || 0;
  for (let k = 0; k < ports; k++) {
    const n = (first + k) % ports;
    const busy = path.join(where, `helper${n}.busy`);
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        fs.writeFileSync(busy, String(process.pid), { flag: 'wx' });
        fs.writeFileSync(next, String((n + 1) % ports));
        return { socket: path.join(where, `helper${n}.sock`), busy };
      } catch {
        if (alive(Number(fs.readFileSync(busy, 'utf8')))) break;
        fs.rmSync(busy, { force: true }); // its bridge died without releasing it
      }
    }
  }
  return null;
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
