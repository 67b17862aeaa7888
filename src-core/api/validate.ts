/**
 * Run-time validation of every call's arguments by its schema (schema.ts). A renderer (or
 * anything reaching the serve port with the token) is not trusted: a wrong type, a missing field
 * or an unknown field is one 'bad-request' ApiError naming the field, never a crash.
 */
import * as v from 'valibot';
import type { CallArgs, Method } from './contract.ts';
import { ApiError } from './errors.ts';
import { CALLS } from './schema.ts';

/** Validates `args` for `method` (no args is `{}`); throws ApiError('bad-request') naming the first bad field. */
export function validateArgs<M extends Method>(method: M, args: unknown): CallArgs<M> {
  // valibot's objects take arrays too (their indexes as keys): every call takes a plain object.
  if (Array.isArray(args)) throw new ApiError('bad-request', 'args: expected an object', { field: 'args' });
  const parsed = v.safeParse(CALLS[method].args, args ?? {}, { abortEarly: true });
  if (parsed.success) return parsed.output as CallArgs<M>;
  throw badRequest(parsed.issues[0]);
}

function badRequest(issue: v.GenericIssue): ApiError {
  const field = v.getDotPath(issue) ?? 'args';
  return new ApiError('bad-request', `${field}: ${problem(issue)}`, { field });
}

/** The schemas word their own messages, except an object's: not one, a field missing, or one too many. */
function problem(issue: v.GenericIssue): string {
  if (issue.type !== 'strict_object') return issue.message;
  if (issue.expected === 'never') return 'no such field';
  return issue.path?.length ? 'required' : 'expected an object';
}
