import { CHANNELS, unwrap, type CallArgs, type CallResult, type Envelope, type Method } from '../src-core/api/contract.ts';

/**
 * One call of the contract over serve mode's HTTP endpoint, as another client of the same host
 * (the CLI, a second window): what it changes reaches the page as pushed events.
 */
export async function apiCall<M extends Method>(servedUrl: string, method: M, args: CallArgs<M>): Promise<CallResult<M>> {
  const base = new URL(servedUrl);
  const url = new URL(`${CHANNELS.httpCall}${method}`, base);
  url.searchParams.set(CHANNELS.tokenParam, base.searchParams.get(CHANNELS.tokenParam) ?? '');
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(args) });
  return unwrap((await response.json()) as Envelope<CallResult<M>>);
}
