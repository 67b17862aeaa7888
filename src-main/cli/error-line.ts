import { describeLocation, type ErrorLocation } from '../../src-core/errors.ts';

/**
 * An error as the one line people read: "snapscope: <message> (<where>)". Messages that start
 * with "<device>:" locate themselves; others get the location appended, without the parts the
 * message names already ("at offset 512", a finding's "(cow, chunk 0)").
 */
export function errorLine(code: string, message: string, where: ErrorLocation): string {
  const selfLocated = where.device !== undefined && message.startsWith(`${where.device}:`);
  const suffix = selfLocated ? '' : describeLocation(notNamedIn(message, where));
  return `snapscope: ${code === 'internal' ? 'internal error: ' : ''}${message}${suffix}`;
}

/** The parts of `where` whose words ("chunk 0", "offset 512", the device) `message` does not contain. */
function notNamedIn(message: string, where: ErrorLocation): ErrorLocation {
  const left: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(where)) {
    const words = describeLocation({ [key]: value }).slice(2, -1);
    // Whole words: "chunk 1" is not named by "chunk 12".
    const named = new RegExp(`(?<!\\w)${words.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?!\\w)`).test(message);
    if (!named) left[key] = value;
  }
  return left as ErrorLocation;
}
