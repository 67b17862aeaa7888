import { toErrorShape, type ApiErrorShape } from '../../src-core/api/contract.ts';

/** An API error as a view shows it: what happened, and what the user can do about it. */
export interface ViewError extends ApiErrorShape {
  hint: string;
}

const HINTS: Partial<Record<ApiErrorShape['code'], string>> = {
  'not-a-store': 'Pick the COW device of a snapshot (not the origin), or a file made by `snapscope format` or the kernel.',
  corrupt: 'The metadata fails validation. Run a check from the Overview to see every finding; the store stays read-only.',
  io: 'The device could not be read or the server did not answer. Check that the device is attached and `snapscope serve` still runs.',
  'read-only': 'This store is open read-only. Reopen it for writing from the top bar (you will be asked to confirm).',
  'not-found': 'It no longer exists, or is out of range. The view has been refreshed; pick another one.',
  'no-space': 'The COW device is full. Delete a snapshot or merge one to free chunks.',
  capacity: 'A structural limit was reached: one origin chunk has more exceptions than a leaf can hold.',
  'in-use': 'The device is in use by the system (device-mapper table, mount, loop). Writes are refused; reading is fine.',
  unsupported: 'This store format cannot do that (a persistent COW holds exactly one snapshot).',
  cancelled: 'Cancelled on request; the store is consistent.',
  'bad-request': 'The request was not understood. This is a bug in the UI: please report it with the message.',
  'unknown-session': 'The store was closed (perhaps by another window). Open it again from Start.',
  busy: 'Another operation is writing this store. Wait for it to finish, or cancel it under Merge or Activity.',
  unauthorized: 'The access token is missing or wrong. Open the exact URL `snapscope serve` printed.',
  internal: 'snapscope hit an unexpected error. The store was not changed; please report the message.',
};

export function toViewError(e: unknown): ViewError {
  const shape = toErrorShape(e);
  return { ...shape, hint: HINTS[shape.code] ?? 'Try again; if it persists, check the Activity log for details.' };
}
