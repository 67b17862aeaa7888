import { CHANNELS } from '../../src-core/api/contract.ts';
import { createWebSocketClient } from '../client/websocket-client.ts';
import { boot, bootFailure } from './boot.tsx';

// Browser composition root (`snapscope serve`): the token comes from the URL the server printed.
const token = new URL(window.location.href).searchParams.get(CHANNELS.tokenParam);
if (token) {
  const { client, connection } = createWebSocketClient(new URL(window.location.href), token);
  boot(client, connection);
}
else bootFailure('No access token in the URL', 'Open the exact URL that `snapscope serve` printed; it ends with ?token=… and only works on this machine (or through an SSH tunnel).');
