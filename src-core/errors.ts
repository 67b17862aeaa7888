/**
 * The one error type the engine throws. `code` says what kind of problem it is (the CLI maps it to
 * an exit code, the API to its error shape); `where` says where it is, so a message can name the
 * device, chunk, entry and field at fault.
 */
export type ErrorCode =
  | 'usage' // bad arguments from the caller
  | 'not-a-store' // no known magic, too short for a header
  | 'corrupt' // a structure fails validation
  | 'io' // the device failed, or is shorter than the store says
  | 'read-only' // a write on a store opened read-only (or invalid)
  | 'not-found' // no such snapshot, chunk out of range
  | 'no-space' // the COW is full
  | 'capacity' // a structural limit (e.g. one origin chunk's exception list must fit a leaf)
  | 'in-use' // the device belongs to someone else (dm table, mount, loop, holders)
  | 'unsupported' // the format cannot do this (e.g. a second snapshot in a persistent COW)
  | 'cancelled' // a job was cancelled
  | 'crashed'; // a FaultDevice simulated power loss

export interface ErrorLocation {
  device?: string;
  chunk?: number;
  entry?: number;
  offset?: number;
  field?: string;
  path?: readonly number[]; // B-tree chunks from the root down to the block at fault
}

/** An Error that says what kind of problem it is (`code`) and where: the engine's and the API's errors. */
export class CodedError<Code extends string> extends Error {
  constructor(
    readonly code: Code,
    message: string,
    readonly where: ErrorLocation = {},
  ) {
    super(message);
  }
}

export class SnapscopeError extends CodedError<ErrorCode> {
  override readonly name = 'SnapscopeError';
}

export function isSnapscopeError(e: unknown): e is SnapscopeError {
  return e instanceof SnapscopeError;
}

/** A short "where" suffix for messages: " (chunk 12, entry 3, field count)". */
export function describeLocation(where: ErrorLocation): string {
  const parts: string[] = [];
  if (where.device !== undefined) parts.push(where.device);
  if (where.chunk !== undefined) parts.push(`chunk ${where.chunk}`);
  if (where.entry !== undefined) parts.push(`entry ${where.entry}`);
  if (where.offset !== undefined) parts.push(`offset ${where.offset}`);
  if (where.field !== undefined) parts.push(`field ${where.field}`);
  if (where.path !== undefined && where.path.length > 0) parts.push(`path ${where.path.join(' > ')}`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}
