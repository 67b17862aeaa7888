/**
 * Version of every command's JSON output. Keys are camelCase in every command; a change that
 * renames or removes a key bumps this, a new key does not.
 */
export const JSON_SCHEMA = 2; // 2: restore reports the API restore task's result (no leaves/nodes/levels)

/** A command's JSON result with the schema version first; arrays are wrapped as `{items}`. */
export function withSchema(value: unknown): unknown {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return { schema: JSON_SCHEMA, ...value };
  return { schema: JSON_SCHEMA, items: value };
}
