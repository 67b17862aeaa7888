/**
 * THE API contract: every call (name → args → result), every event, the error shape, the channel
 * names. Electron's preload, the IPC adapter, serve mode, the host and the renderer all import
 * this module; no channel name or method name is written anywhere else. Every call takes one
 * plain-object argument and returns JSON-safe data (dto.ts); every argument is validated at the
 * boundary by its schema (schema.ts, validate.ts) because a renderer is not trusted.
 */
import type { ApiEvent } from './dto.ts';
import { ApiError, type Envelope } from './errors.ts';
import type { ApiCalls } from './schema.ts';

export * from './dto.ts';
export * from './errors.ts';
export * from './mask.ts';
/** Every call's argument object and result, inferred from the schemas (schema.ts, where each call is described). */
export type { ApiCalls };

export type Method = keyof ApiCalls;
export type CallArgs<M extends Method> = ApiCalls[M]['args'];
export type CallResult<M extends Method> = ApiCalls[M]['result'];

/** Every method, in one list: the preload and the clients build their objects from it. */
export const METHODS = [
  'hello',
  'listDevices',
  'discoverPairs',
  'dmTable',
  'recentStores',
  'createDemo',
  'pickPath',
  'browse',
  'liveSnapshots',
  'open',
  'openStart',
  'close',
  'sessions',
  'info',
  'reload',
  'treeRoot',
  'treeBlock',
  'pathTo',
  'leafDetail',
  'occupancy',
  'chunkInfo',
  'readChunk',
  'areas',
  'exceptionTable',
  'snapshotCreate',
  'snapshotDelete',
  'snapshotRename',
  'writeChunk',
  'randomWrites',
  'writeData',
  'mergeAbandon',
  'check',
  'stats',
  'dump',
  'merge',
  'repair',
  'restore',
  'jobs',
  'jobPause',
  'jobResume',
  'jobCancel',
  'jobWait',
] as const satisfies readonly Method[];

// A compile-time check that METHODS lists every method.
type Missing = Exclude<Method, (typeof METHODS)[number]>;
const everyMethodListed: Missing extends never ? true : Missing = true;
void everyMethodListed;

export function isMethod(name: unknown): name is Method {
  return typeof name === 'string' && (METHODS as readonly string[]).includes(name);
}

/**
 * Channel names, once. Electron: `invoke` carries (method, args) and answers an Envelope; `event`
 * carries ApiEvents to the renderer. Serve mode: POST `${httpCall}<method>` with the args as JSON
 * body answers an Envelope; the WebSocket at `ws` pushes WireServerMessages and accepts
 * WireClientMessages (calls over the socket, same Envelope). Every HTTP request and WebSocket
 * carries the token as `?token=`, the `cookie` cookie (set by the server after the first request)
 * or an `Authorization: Bearer` header.
 */
export const CHANNELS = {
  invoke: 'snapscope:invoke',
  event: 'snapscope:event',
  httpCall: '/api/call/',
  ws: '/api/ws',
  tokenParam: 'token',
  cookie: 'snapscope_token',
} as const;

/** The name under which the Electron preload exposes the bridge on `window`. */
export const BRIDGE_GLOBAL = 'snapscope';

export type WireClientMessage = { type: 'call'; id: number; method: Method; args: unknown };
export type WireServerMessage =
  | { type: 'event'; event: ApiEvent }
  | { type: 'result'; id: number; response: Envelope<unknown> };

/** The typed API as async methods: what the views program against. */
export type EngineApi = { [M in Method]: (args: CallArgs<M>) => Promise<CallResult<M>> };

export interface EngineClient extends EngineApi {
  /** Subscribes to every event of the host; returns the unsubscribe function. */
  onEvent(listener: (event: ApiEvent) => void): () => void;
}

/** What a transport provides: send one call, subscribe to events. */
export interface Transport {
  call(method: Method, args: unknown): Promise<Envelope<unknown>>;
  subscribe(listener: (event: ApiEvent) => void): () => void;
}

/** Builds an EngineClient over any transport; failed calls throw ApiError. */
export function createClient(transport: Transport): EngineClient {
  const client: Record<string, unknown> = {
    onEvent: (listener: (event: ApiEvent) => void) => transport.subscribe(listener),
  };
  for (const method of METHODS) {
    client[method] = async (args: unknown) => unwrap(await transport.call(method, args ?? {}));
  }
  return Object.freeze(client) as unknown as EngineClient;
}

export function unwrap<T>(envelope: Envelope<T>): T {
  if (envelope.ok) return envelope.result;
  const { code, message, where } = envelope.error;
  throw new ApiError(code, message, where);
}

/**
 * What Electron's preload exposes as `window[BRIDGE_GLOBAL]`: one function per method answering
 * an Envelope (class instances do not cross the context bridge), the event stream, and the path
 * of a dropped File (only the preload can learn it).
 */
export type ElectronBridge = { readonly [M in Method]: (args: CallArgs<M>) => Promise<Envelope<CallResult<M>>> } & {
  onEvent(listener: (event: ApiEvent) => void): () => void;
  pathForFile(file: unknown): string;
};

/** A Transport over the Electron bridge (the renderer's desktop entry uses this). */
export function bridgeTransport(bridge: ElectronBridge): Transport {
  return {
    call: (method, args) => (bridge[method] as (a: unknown) => Promise<Envelope<unknown>>)(args),
    subscribe: (listener) => bridge.onEvent(listener),
  };
}
