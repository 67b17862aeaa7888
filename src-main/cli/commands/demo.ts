import fs from 'node:fs';
import path from 'node:path';
import { SnapscopeError } from '../../../src-core/errors.ts';
import { writeDemoStore } from '../../host/demo-store.ts';
import type { Command } from '../command.ts';

export const demo: Command = {
  name: 'demo',
  summary: 'write a deterministic sample volume: <dir>/origin.img and <dir>/shared.cow',
  positionals: [{ name: 'dir', help: 'directory (created when missing)' }],
  options: { force: { type: 'boolean', help: 'replace existing demo files' } },
  details: 'Same bytes every run: fixed snapshot names, UUIDs, timestamps and content.',
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
      `wrote ${originPath} and ${cowPath}: snapshots ${summary.snapshots.join(', ')}; ${summary.exceptions} exceptions; a ${summary.levels}-level tree\n` +
        `try: snapscope info ${cowPath}   or: snapscope serve ${cowPath} ${originPath}`,
    );
  },
};
