import fs from 'node:fs';
import path from 'node:path';
import { SnapscopeError } from '../../../src-core/errors.ts';
import { DEMO_COW_BYTES, DEMO_ORIGIN_BYTES } from '../../../src-core/demo.ts';
import { writeDemoStore } from '../../host/demo-store.ts';
import type { Command } from '../command.ts';
import { formatSize } from '../size.ts';
import { plural } from '../plural.ts';

export const demo: Command = {
  name: 'demo',
  summary: 'write a deterministic sample volume: <dir>/origin.img and <dir>/shared.cow',
  positionals: [{ name: 'dir', help: 'directory (created when missing)', complete: 'dir' }],
  options: { force: { type: 'boolean', short: 'f', help: 'replace existing demo files' } },
  details: 'Same bytes every run: fixed snapshot names, UUIDs, timestamps and content.',
  examples: [['demo /tmp/demo', `a ${formatSize(DEMO_ORIGIN_BYTES)} origin and a ${formatSize(DEMO_COW_BYTES)} shared store with four snapshots, to try every command on`]],
  run(args, con) {
    const dir = args.arg('dir');
    const originPath = path.join(dir, 'origin.img');
    const cowPath = path.join(dir, 'shared.cow');
    for (const p of [originPath, cowPath]) {
      if (fs.existsSync(p) && !args.flag('force')) throw new SnapscopeError('usage', `${p} exists; add --force to replace it`, { device: p });
    }
    const summary = writeDemoStore(originPath, cowPath);
    con.result(
      { origin: originPath, cow: cowPath, ...summary },
      `wrote ${originPath} and ${cowPath}: snapshots ${summary.snapshots.join(', ')}; ${plural(summary.exceptions, 'exception')}; a ${summary.levels}-level tree\n` +
        `try: snapscope info ${cowPath}   or: snapscope serve ${cowPath} --origin ${originPath}`,
    );
  },
};
