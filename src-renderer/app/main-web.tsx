import { CHANNELS } from '../../src-core/api/contract.ts';
import { createWebSocketClient } from '../client/websocket-client.ts';
import { boot } from './boot.tsx';

// Browser composition root (`snapscope serve`). The first load carries ?token=; the server answered
// it with an HttpOnly cookie for this port, so the token is taken out of the address bar (history,
// bookmarks, screen shares) and later loads and the WebSocket authenticate with the cookie. A page
// served at all was authorised, by the token or by the cookie.
const here = new URL(window.location.href);
const token = here.searchParams.get(CHANNELS.tokenParam) ?? '';
if (token) {
  here.searchParams.delete(CHANNELS.tokenParam);
  window.history.replaceState(window.history.state, '', `${here.pathname}${here.search}${here.hash}`);
}
const { client, connection } = createWebSocketClient(new URL(window.location.href), token);
boot(client, connection);
