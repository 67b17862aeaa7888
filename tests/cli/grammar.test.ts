import { describe, expect, it } from 'vitest';
import { optionSpecs, parseArgs } from '../../src-main/cli/args.ts';
import { specsOf } from '../../src-main/cli/catalog.ts';
import type { CommandSpec, OptionSpec } from '../../src-main/cli/command.ts';
import { loadAll } from '../../src-main/cli/commands/index.ts';
import { findCommand, GroupWithoutSubcommand } from '../../src-main/cli/find-command.ts';
import { formatBytes } from '../../src-main/cli/report.ts';
import { parseChunkSize, parseInteger, parseSize } from '../../src-main/cli/size.ts';
import { displayWidth, padEnd } from '../../src-main/cli/text-width.ts';
import { ranges } from '../../src-main/cli/findings-text.ts';

const commands: CommandSpec[] = specsOf(await loadAll());
const spec = (name: string): CommandSpec => commands.find((c) => c.name === name)!;
const message = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('did not throw');
};

/** A valid value for each option type, and what it parses to. */
function sample(o: OptionSpec): [string, unknown] {
  if (o.type === 'size') return ['64k', 65536];
  if (o.type === 'integer') return ['7', 7];
  if (o.type === 'number') return ['0.5', 0.5];
  if (o.type === 'choice') return [o.choices![0]!, o.choices![0]];
  return ['value', 'value'];
}

/** Positionals and required options filled with placeholders. */
function minimal(c: CommandSpec): string[] {
  const pos = c.positionals.filter((p) => !p.optional).map((p) => `/x/${p.name}`);
  const req = Object.entries(c.options).filter(([, o]) => o.required).flatMap(([n, o]) => [`--${n}`, sample(o)[0]]);
  return [...pos, ...req];
}

describe('the one grammar, over every command descriptor', () => {
  it('every command has a summary, examples that parse, and -h', () => {
    for (const c of commands) {
      expect(c.summary, c.name).not.toBe('');
      expect(c.examples.length, c.name).toBeGreaterThan(0);
      for (const [line] of c.examples) {
        // The snapscope part of the line, before any shell redirection or pipe.
        const argv = line.split(/\s*(?:\||>|&&)\s*/)[0]!.split(/\s+/);
        const found = findCommand(commands, argv);
        expect(found.spec.name, line).toBe(c.name);
        expect(() => parseArgs(c, found.rest), line).not.toThrow();
      }
      expect(parseArgs(c, ['-h']).flag('help'), c.name).toBe(true);
      expect(parseArgs(c, ['--help']).flag('help'), c.name).toBe(true);
    }
  });

  it('every option parses in each form: --name v, --name=v, its short alias, typed', () => {
    for (const c of commands) {
      for (const [name, o] of Object.entries(optionSpecs(c))) {
        if (o.type === 'boolean') {
          expect(parseArgs(c, [...minimal(c), `--${name}`]).flag(name), `${c.name} --${name}`).toBe(true);
          expect(message(() => parseArgs(c, [...minimal(c), `--${name}=1`])), `${c.name} --${name}=1`).toContain(`--${name} takes no value`);
          if (o.short) expect(parseArgs(c, [...minimal(c), `-${o.short}`]).flag(name)).toBe(true);
          continue;
        }
        const [text, value] = sample(o);
        const read = (argv: string[]): unknown => {
          const a = parseArgs(c, [...minimal(c).filter((w, i, all) => w !== `--${name}` && all[i - 1] !== `--${name}`), ...argv]);
          return typeof value === 'number' ? a.number(name) : a.string(name);
        };
        expect(read([`--${name}`, text]), `${c.name} --${name}`).toEqual(value);
        expect(read([`--${name}=${text}`]), `${c.name} --${name}=`).toEqual(value);
        if (o.short) expect(read([`-${o.short}`, text])).toEqual(value);
        expect(message(() => parseArgs(c, [...minimal(c), `--${name}`])), `${c.name} --${name} at the end`).toContain(`--${name} needs a value`);
      }
    }
  });

  it('positionals: missing, unexpected, after --, and required options are named', () => {
    for (const c of commands) {
      const required = c.positionals.filter((p) => !p.optional);
      if (required.length) expect(message(() => parseArgs(c, minimal(c).slice(required.length))), c.name).toMatch(new RegExp(`missing <${required[0]!.name}>`));
      if (!c.positionals.at(-1)?.variadic) expect(message(() => parseArgs(c, [...minimal(c), '/extra', ...(c.positionals.every((p) => p.optional) ? c.positionals.map(() => 'y') : [])])), c.name).toContain('unexpected argument');
      for (const [name, o] of Object.entries(c.options)) {
        if (!o.required) continue;
        const without = minimal(c).filter((w, i, all) => w !== `--${name}` && all[i - 1] !== `--${name}`);
        expect(message(() => parseArgs(c, without)), `${c.name} --${name}`).toContain(`--${name} is required`);
        expect(parseArgs(c, [...without, '--help']).flag('help')).toBe(true);
      }
    }
    const info = spec('info');
    expect(parseArgs(info, ['--', '--weird-name']).arg('cow')).toBe('--weird-name');
    expect(parseArgs(spec('ls'), ['a', 'b', '--', '-c']).args('cow')).toEqual(['a', 'b', '-c']);
  });

  it('one order everywhere: the COW is the first positional; the origin is --origin; a snapshot is -s/--snapshot', () => {
    for (const c of commands) {
      // demo makes files, watch follows live dm devices by name; help and completion take words.
      if (c.positionals[0]?.name === 'cow' || ['demo', 'watch', 'help', 'completion'].includes(c.name)) {
        expect(c.positionals.slice(1).map((p) => p.name), c.name).toEqual([]);
      } else throw new Error(`${c.name}: first positional ${c.positionals[0]?.name}`);
      expect(c.positionals.some((p) => p.name === 'origin' || p.name === 'snap'), c.name).toBe(false);
      if (c.options.snapshot) expect(c.options.snapshot.short, c.name).toBe('s');
      for (const n of ['from', 'to']) expect(c.options[n], `${c.name} --${n}`).toBeUndefined();
    }
    for (const name of ['read', 'write', 'merge', 'replay']) expect(spec(name).options.origin?.required, name).toBe(true);
    expect(spec('serve').options.origin?.required).toBeFalsy();
    const a = parseArgs(spec('read'), ['--origin', 'o.img', 'c.cow', '-s', 'nightly', '--out', 'x']);
    expect([a.arg('cow'), a.arg('origin'), a.arg('snapshot')]).toEqual(['c.cow', 'o.img', 'nightly']);
  });

  it('unknown options, choices, commands and subcommands suggest the closest', () => {
    expect(message(() => parseArgs(spec('format'), ['x', '--kind', 'shared', '--chunksize', '4k']))).toMatch(/^unknown option --chunksize; did you mean --chunk-size\?/);
    expect(message(() => parseArgs(spec('format'), ['x', '--kind', 'shard']))).toContain("'shard' is not one of shared, persistent; did you mean shared?");
    expect(message(() => parseArgs(spec('info'), ['x', '-z']))).toMatch(/^unknown option -z/);
    expect(message(() => findCommand(commands, ['inf', 'x']))).toContain("unknown command 'inf'; did you mean info?");
    expect(message(() => findCommand(commands, ['snapshot', 'lst', 'x']))).toContain("unknown subcommand 'snapshot lst'; did you mean snapshot list?");
    expect(message(() => findCommand(commands, ['mrege']))).toContain('did you mean merge?');
    expect(message(() => findCommand(commands, ['zzzzzz']))).not.toContain('did you mean');
    expect(() => findCommand(commands, ['snapshot'])).toThrow(GroupWithoutSubcommand);
    expect(findCommand(commands, ['status']).spec.name).toBe('ls');
  });
});

describe('numbers: one parser, precise messages', () => {
  it('sizes and integers', () => {
    expect(parseSize('4k', '--x')).toBe(4096);
    expect(parseSize('2M', '--x')).toBe(2 << 20);
    expect(parseSize('1GiB', '--x')).toBe(1 << 30);
    expect(parseSize('8s', '--x')).toBe(4096);
    expect(message(() => parseSize('12Q', '--size'))).toBe("--size: '12Q' is not a size (bytes, or a number with s, k, M, G or T)");
    expect(message(() => parseInteger('18446744073709551616', '--chunk'))).toBe("--chunk: '18446744073709551616' is too large (max 2^64-1)");
    expect(message(() => parseInteger('18446744073709551615', '--chunk'))).toBe("--chunk: '18446744073709551615' is too large for snapscope (max 2^53-1)");
    expect(message(() => parseInteger('-1', '--chunk'))).toBe("--chunk: '-1' is not a non-negative integer");
    expect(message(() => parseSize('16E', '--size'))).toContain('too large (max 2^64-1)');
  });

  it('chunk sizes: a power of two within the format, 2M is a power of two but out of range', () => {
    expect(parseChunkSize('4k', '--chunk-size', 'shared')).toBe(4096);
    expect(parseChunkSize('1M', '--chunk-size', 'shared')).toBe(1 << 20);
    expect(message(() => parseChunkSize('2M', '--chunk-size', 'shared'))).toBe("--chunk-size: '2M' (2 MiB) is out of range 512 B–1 MiB for a shared store");
    expect(parseChunkSize('2M', '--chunk-size', 'persistent')).toBe(2 << 20);
    expect(message(() => parseChunkSize('3k', '--chunk-size', 'shared'))).toBe("--chunk-size: '3k' (3 KiB) is not a power of two");
    expect(message(() => parseChunkSize('256', '--chunk-size', 'persistent'))).toBe("--chunk-size: '256' is out of range 512 B–1 GiB for a persistent store");
  });
});

describe('text', () => {
  it('pads by display width: wide characters take two columns, combining marks none', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('快照')).toBe(4);
    expect(displayWidth('e\u0301')).toBe(1);
    expect(displayWidth('🙂')).toBe(2);
    expect(padEnd('快照', 6)).toBe('快照  ');
  });

  it('lvs units, and entry ranges', () => {
    expect(formatBytes(65536, { units: 'h', suffix: true })).toBe('64.00k');
    expect(formatBytes(3 << 20, { units: 'm', suffix: false })).toBe('3.00');
    expect(formatBytes(4096, { units: 's', suffix: true })).toBe('8S');
    expect(formatBytes(4096, { units: 'b', suffix: true })).toBe('4096B');
    expect(ranges([0, 1, 2, 3, 7, 9, 10])).toBe('0–3, 7, 9–10');
  });
});
