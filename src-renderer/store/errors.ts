import { toErrorShape, type ApiErrorShape } from '../../src-core/api/contract.ts';

/** An API error as a view shows it: what happened, and what the user can do about it. */
export interface ViewError extends ApiErrorShape {
  hint: string;
}

/**
 * Hints by error code, each naming a next step that exists in this UI (a view, a button, a
 * command). Codes whose cases differ are refined by where the error points (`hintFor`).
 */
const HINTS: Record<ApiErrorShape['code'], string> = {
  usage: 'The request does not fit this store or device; the message says what to change.',
  'not-a-store': 'Pick the COW device of a snapshot (not the origin), or a file made by `snapscope format` or the kernel.',
  corrupt: 'The metadata fails validation, so it opens nowhere. In Tools, run Check on this path to see every finding, and Repair to write a repaired copy to a new file.',
  io: 'The device could not be read. Check that it is still attached and readable, then open it again from Start.',
  'read-only': 'This store is open read-only. Use "Open for writing…" in the top bar (you will be asked to confirm).',
  'not-found': 'It no longer exists, or is out of range. Pick another one.',
  'no-space': 'The COW device is full. Delete a snapshot or merge one to free chunks.',
  capacity: 'A structural limit was reached: one origin chunk has more exceptions than a leaf can hold.',
  'in-use': 'The device is in use by the system (device-mapper table, mount, loop). Writes are refused; reading is fine.',
  unsupported: 'This store cannot do that; the message says why.',
  cancelled: 'Cancelled on request; the store is consistent.',
  crashed: 'The engine stopped unexpectedly. Open the store again from Start; nothing was half-written.',
  'bad-request': 'The request was not understood. This is a bug in the UI: please report it with the message.',
  'unknown-method': 'The server is another version than this page. Reload the page.',
  'unknown-session': 'The store was closed (perhaps by another window). Open it again from Start.',
  'unknown-job': 'That job ended long ago and is no longer listed; the Activity view keeps what this page saw.',
  busy: 'Another operation is writing this store. Wait for it to finish, or cancel it under Merge or Activity.',
  stale: 'The store changed on disk since it was read (another program wrote it). Press "Reload from disk" in the top bar, then try again.',
  unauthorized: 'The server runs with another access token. Run `snapscope serve` again and open the URL it prints.',
  internal: 'snapscope hit an unexpected error. The store was not changed; please report the message.',
};

/** The hint for one error: by its code, refined by the field or device it names. */
function hintFor(e: ApiErrorShape): string {
  const field = e.where.field;
  if (e.code === 'io' && field === 'connection') return 'The page lost its server. It reconnects by itself when `snapscope serve` runs again (see the connection state in the top bar).';
  // Reading past the end is 'io'; a header whose chunk count the device cannot hold is 'corrupt' (the walker's s-header-chunk-count).
  const truncated = /truncated|unexpected end/.test(e.message);
  if ((e.code === 'io' && (field === 'chunk_count' || truncated)) || (e.code === 'corrupt' && field === 'chunk_count' && truncated)) {
    return 'The file is shorter than the store it holds (truncated or cut while copying). In Tools, run Check on this path to see what is intact, and Repair to write what can be trusted to a new file.';
  }
  if (e.code === 'capacity' && field === 'snapmask') return 'All 64 snapshot slots are taken. Delete a snapshot you no longer need (Overview → Delete), or merge one into the origin (Merge), then create it again.';
  // A missing folder is 'io' from the engine (its output checks name the parent): no device went away.
  if ((e.code === 'not-found' || e.code === 'usage' || e.code === 'io') && /no such file|directory .* does not exist/.test(e.message)) return 'Nothing is at that path. Check the spelling, or pick the file with Browse… on Start.';
  if (e.code === 'usage' && field === 'name' && /exists already/.test(e.message)) return 'Each snapshot of a store has its own name: choose one no other snapshot has (the Overview lists them).';
  if (e.code === 'usage' && /is a directory/.test(e.message)) return 'That is a folder: pick the COW image or device in it (Browse… lists what it holds).';
  return HINTS[e.code];
}

export function toViewError(e: unknown): ViewError {
  const shape = toErrorShape(e);
  return { ...shape, hint: hintFor(shape) };
}
