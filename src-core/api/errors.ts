import { CodedError, type ErrorCode, type ErrorLocation } from '../errors.ts';

/**
 * The error shape every API call can fail with, on every transport (in-process, Electron IPC,
 * HTTP, WebSocket). Engine codes pass through unchanged; the API adds its own for what can only go
 * wrong at the boundary.
 */
export type ApiErrorCode =
  | ErrorCode
  | 'bad-request' // arguments of the wrong shape, type or range
  | 'unknown-method'
  | 'unknown-session' // no open session with that id (closed, or never opened)
  | 'unknown-job'
  | 'busy' // another writer (a job) holds the store; one writer per store at a time
  | 'stale' // the store changed on disk since the host read it: reload before writing
  | 'unauthorized' // serve mode: missing or wrong token
  | 'internal'; // a bug: an exception that is not a SnapscopeError

/** Every error code, in one list (a compile-time check keeps it complete). */
export const API_ERROR_CODES = [
  'usage',
  'not-a-store',
  'corrupt',
  'io',
  'read-only',
  'not-found',
  'no-space',
  'capacity',
  'in-use',
  'unsupported',
  'cancelled',
  'crashed',
  'bad-request',
  'unknown-method',
  'unknown-session',
  'unknown-job',
  'busy',
  'stale',
  'unauthorized',
  'internal',
] as const satisfies readonly ApiErrorCode[];
type Unlisted = Exclude<ApiErrorCode, (typeof API_ERROR_CODES)[number]>;
const everyCodeListed: Unlisted extends never ? true : Unlisted = true;
void everyCodeListed;

export function isApiErrorCode(code: unknown): code is ApiErrorCode {
  return typeof code === 'string' && (API_ERROR_CODES as readonly string[]).includes(code);
}

export interface ApiErrorShape {
  code: ApiErrorCode;
  message: string;
  where: ErrorLocation;
}

/** What a client throws when a call fails: the error shape as an Error. */
export class ApiError extends CodedError<ApiErrorCode> implements ApiErrorShape {
  override readonly name = 'ApiError';
  toJSON(): ApiErrorShape {
    return { code: this.code, message: this.message, where: this.where };
  }
}

/**
 * Any thrown value as the API error shape: engine and API errors keep their code and location, an
 * operating-system error (ENOENT, EEXIST, EACCES, ... from Node) is 'io', anything else 'internal'.
 */
export function toErrorShape(e: unknown): ApiErrorShape {
  if (e !== null && typeof e === 'object' && 'code' in e && 'message' in e && typeof e.code === 'string' && typeof e.message === 'string') {
    const where = 'where' in e && e.where !== null && typeof e.where === 'object' ? (e.where as ErrorLocation) : {};
    if (isApiErrorCode(e.code)) return { code: e.code, message: e.message, where };
    if (/^E[A-Z0-9]+$/.test(e.code)) return { code: 'io', message: e.message, where: {} };
  }
  return { code: 'internal', message: e instanceof Error ? e.message : String(e), where: {} };
}

/** A call's outcome on the wire: transports never throw across a process boundary. */
export type Envelope<T> = { ok: true; result: T } | { ok: false; error: ApiErrorShape };
