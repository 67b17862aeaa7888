import { CHANNELS, createClient, type EngineClient, type Envelope } from '../../src-core/api/contract.ts';

/**
 * Calls over plain HTTP POSTs, no events: for environments where WebSockets are blocked (some
 * proxies). Views still work; they refresh after their own calls rather than on pushed events.
 */
export function createHttpClient(baseUrl: URL, token: string): EngineClient {
  return createClient({
    async call(method, args) {
      const url = new URL(`${CHANNELS.httpCall}${method}`, baseUrl);
      url.searchParams.set(CHANNELS.tokenParam, token);
      try {
        const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(args) });
        return (await response.json()) as Envelope<unknown>;
      } catch {
        return { ok: false, error: { code: 'io', message: 'The snapscope server did not answer; is `snapscope serve` still running?', where: {} } };
      }
    },
    subscribe: () => () => undefined,
  });
}
