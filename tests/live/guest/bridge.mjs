// The live suite's transport to the helper in the qemu guest: stdin and stdout joined to the
// guest's virtio-serial socket, as `ssh -T host sudo snapscope-helper` joins them to a remote
// helper. Connecting is what starts a helper in the guest (guest/init.sh), as sshd would.
import net from 'node:net';

const sock = net.connect(process.argv[2]);
sock.on('connect', () => {
  sock.write(Buffer.from([0])); // the guest starts a helper for this connection (guest/init.sh)
  process.stdin.pipe(sock);
  sock.pipe(process.stdout);
});
sock.on('error', (e) => {
  process.stderr.write(`bridge: ${e.message}\n`);
  process.exit(1);
});
sock.on('close', () => process.exit(0));
process.stdin.on('end', () => sock.end());
