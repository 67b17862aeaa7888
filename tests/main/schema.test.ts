import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { METHODS, type CallArgs, type CallResult, type Method, type StoreInfo } from '../../src-core/api/contract.ts';
import { CALLS } from '../../src-core/api/schema.ts';
import { validateArgs } from '../../src-core/api/validate.ts';
import type { EngineService } from '../../src-main/host/engine-service.ts';
import { inProcess, tempDir } from './fixtures.ts';

/**
 * Each call's arguments are written once, as a schema: the contract's types are inferred from it
 * and the host validates by it. Every malformed request is a 'bad-request' naming the field.
 */

/** A valid value for every field any call has (checked below: each method's example passes). */
const EXAMPLE: Record<string, unknown> = {
  session: 's1', cow: 'x.cow', job: 'j1', chunk: 0, key: 0, start: 0, end: 1, buckets: 1, bySnapshot: false,
  from: 'origin', to: 'origin', snapshot: 0, name: 'n', kind: 'image', dir: '/tmp', hosts: ['host'], origin: 'o.img',
  write: false, offset: 0, limit: 1, sort: 'entry', descending: false, originFrom: 0, originTo: 1, slot: 0, fill: 0,
  count: 1, seed: 0, commitEvery: 1, data: 'AA==', dryRun: true, batchChunks: 1, format: 'json', maxBytes: 1, out: 'o.cow',
  live: { host: 'host' }, host: 'host', dump: 'd.json', dumpText: '{}',
};

interface Field {
  name: string;
  optional: boolean;
}

/** A call's fields, read from its schema (a strict object, or a pipe that starts with one). */
function fieldsOf(m: Method): Field[] {
  const schema = CALLS[m].args as unknown as { entries?: Record<string, { type: string }>; pipe?: { entries?: Record<string, { type: string }> }[] };
  const entries = schema.entries ?? schema.pipe?.[0]?.entries;
  if (!entries) throw new Error(`${m}: its schema is not an object`);
  return Object.entries(entries).map(([name, s]) => ({ name, optional: s.type === 'optional' }));
}

/** Calls that take a session or a COW path: exactly one of them. */
const targeted = (m: Method): boolean => fieldsOf(m).some((f) => f.name === 'cow') && fieldsOf(m).some((f) => f.name === 'session');

/** Fields that stand in for another one (exactly one of the two is given): restore's dump as text. */
const ALTERNATIVES = new Set(['dumpText']);

/** Every field but the target and the alternatives that are not used. */
function validArgs(m: Method): Record<string, unknown> {
  const fields = fieldsOf(m).filter((f) => !(targeted(m) && f.name === 'cow') && !ALTERNATIVES.has(f.name));
  return Object.fromEntries(fields.map((f) => [f.name, EXAMPLE[f.name]]));
}

let service: EngineService;
beforeAll(() => {
  ({ service } = inProcess(tempDir()));
});
afterAll(async () => {
  await service?.dispose();
});

async function refusedOn(m: Method, args: unknown): Promise<string> {
  const r = await service.call(m, args);
  if (r.ok) throw new Error(`${m} ${JSON.stringify(args)}: accepted`);
  expect(r.error.code, `${m} ${JSON.stringify(args)}: ${r.error.message}`).toBe('bad-request');
  const field = r.error.where.field;
  if (typeof field !== 'string') throw new Error(`${m}: no field named in ${r.error.message}`);
  expect(r.error.message.startsWith(`${field}: `), r.error.message).toBe(true);
  return field;
}

describe('the API schemas', () => {
  it('every call of the contract has a schema, and every schema is a call', () => {
    expect(Object.keys(CALLS).sort()).toEqual([...METHODS].sort());
    for (const m of METHODS) expect(typeof CALLS[m].args['~standard'].validate, m).toBe('function');
    expectTypeOf<CallArgs<'hello'>>().toEqualTypeOf<Record<string, never>>();
    expectTypeOf<CallResult<'info'>>().toEqualTypeOf<StoreInfo>();
    expectTypeOf<CallArgs<'treeBlock'>>().toEqualTypeOf<{ session: string; chunk: number }>();
    expectTypeOf<CallArgs<'check'>>().toMatchTypeOf<{ session: string; cow?: never } | { cow: string; session?: never }>();
    expectTypeOf<{ cow: string }>().toMatchTypeOf<CallArgs<'check'>>();
    expectTypeOf<{ session: string; cow: string }>().not.toMatchTypeOf<CallArgs<'check'>>();
    expectTypeOf<CallArgs<'dump'>['format']>().toEqualTypeOf<'json' | 'xml' | undefined>();
  });

  it('each call accepts a well-formed request', () => {
    for (const m of METHODS) expect(() => validateArgs(m, validArgs(m)), m).not.toThrow();
  });

  it('a malformed request to any call is a bad-request naming the field, never an internal error', async () => {
    for (const m of METHODS) {
      const valid = validArgs(m);
      expect(await refusedOn(m, 42)).toBe('args');
      expect(await refusedOn(m, ['session'])).toBe('args');
      expect(await refusedOn(m, { ...valid, surplus: 1 })).toBe('surplus');
      expect(await refusedOn(m, JSON.parse(`{"__proto__": 1}`))).not.toBe('');
      for (const f of fieldsOf(m)) {
        // An object is the wrong type, except for a field that is one (`live`): a number is.
        const wrong = typeof EXAMPLE[f.name] === 'object' && !Array.isArray(EXAMPLE[f.name]) ? 42 : { nested: true };
        expect(await refusedOn(m, { ...valid, [f.name]: wrong }), `${m}.${f.name} of the wrong type`).toBe(f.name);
        if (f.name === 'hosts') expect(await refusedOn(m, { ...valid, hosts: ['-oProxyCommand=x'] })).toBe('hosts.0');
        if (f.name === 'live') expect(await refusedOn(m, { ...valid, live: { host: '-oProxyCommand=x' } })).toBe('live.host');
        // Required: the non-optional fields, and `session` of a call that takes it or a `cow` (absent in `valid`).
        if (f.optional && !(targeted(m) && f.name === 'session')) continue;
        const { [f.name]: _gone, ...missing } = valid;
        expect(await refusedOn(m, missing), `${m} without ${f.name}`).toBe(f.name);
      }
      if (targeted(m)) expect(await refusedOn(m, { ...valid, cow: 'x.cow' }), `${m} with session and cow`).toBe('session');
    }
  });
});
