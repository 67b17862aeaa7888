// The live suite's transport to the helper in the qemu guest: stdin and stdout joined to the
// guest's virtio-serial socket, as `ssh -T host sudo snapscope-helper` joins them to a remote
// helper. Connecting is what starts a helper in the guest (guest/init.sh), as sshd would.
// Usage: bridge.mjs SOCKET [HELPER ARGUMENT...]
//
// Unlike an ssh channel, a virtio port outlives its clients: what the previous helper wrote after
// its client left (its reply to CLOSE) can still be queued. So nothing is passed on before this
// connection's helper greets, which makes every connection start clean, as a new channel would.
import net from 'node:net';
import { OK, READY, frame } from '../../../src-main/helper/protocol.mjs';

const GREETING = frame(OK, Buffer.from(READY));
const [socketPath, ...helperArgs] = process.argv.slice(2);
const sock = net.connect(socketPath);
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
