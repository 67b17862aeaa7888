// The live suite's transport to the helper in the qemu guest: stdin and stdout joined to the
// guest's virtio-serial socket, as `ssh -T host sudo snapscope-helper` joins them to a remote
// helper. Connecting is what starts a helper in the guest (guest/init.sh), as sshd would.
// Usage: bridge.mjs SOCKET [HELPER ARGUMENT...]
import net from 'node:net';

const [socketPath, ...helperArgs] = process.argv.slice(2);
const sock = net.connect(socketPath);
sock.on('connect', () => {
  // The helper's command line, as ssh would carry it; the guest starts a helper with it (guest/init.sh).
  sock.write(`${helperArgs.join(' ')}\n`);
  process.stdin.pipe(sock);
  sock.pipe(process.stdout);
});
sock.on('error', (e) => {
  process.stderr.write(`bridge: ${e.message}\n`);
  process.exit(1);
});
sock.on('close', () => process.exit(0));
process.stdin.on('end', () => sock.end());
