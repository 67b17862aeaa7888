import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { JobInfo, StoreInfo } from '../../../src-core/api/dto.ts';
import type { HostContext, Handlers } from '../context.ts';
import { restoreTask, type RestoreSpec } from '../restore-task.ts';
import { reopenSession } from './admin-calls.ts';

/**
 * `restore` as a job. On the open store: in place through the session's own COW (opened for
 * writing, so its exclusive lock is held throughout), under the session's writer lock; then the
 * session reads the store again (reload), whatever the outcome. On a COW path: a thread of its own
 * (EngineHost) opens the target under the access rules. An uploaded dump is kept in a private
 * temporary file for the job's life.
 */
export function restoreCalls(ctx: HostContext): Handlers<'restore'> {
  return {
    restore: ({ session, cow, dump, dumpText, dryRun, ...options }) => {
      const upload = dumpText === undefined ? null : saveUpload(dumpText);
      const dumpPath = upload?.file ?? dump!;
      const dumpName = upload ? 'the uploaded dump' : dump!;
      const helper = ctx.config.helper.launcher;
      const forget = (): void => void (upload && fs.rmSync(upload.dir, { recursive: true, force: true }));
      try {
        if (session === undefined) {
          const spec: RestoreSpec = { ...options, dump: dumpPath, dumpName, target: cow!, session: null, dryRun: dryRun === true, helper };
          return ctx.jobs.start({ kind: 'restore', session: null, label: labelOf(spec), task: restoreTask(spec), canPause: true, finally: forget }) as JobInfo;
        }
        const s = ctx.session(session);
        if (dryRun) s.requireNoWriter('restore');
        else s.requireWrite('restore');
        const spec: RestoreSpec = { ...options, dump: dumpPath, dumpName, target: s.cowPath, session: { cow: s.cow, holds: describe(s.store.info()) }, dryRun: dryRun === true, helper };
        let id = '';
        const info = ctx.jobs.start({
          kind: 'restore',
          session: s.id,
          label: labelOf(spec),
          task: restoreTask(spec),
          canPause: true,
          finally: () => {
            forget();
            if (s.writer !== id) return;
            s.writer = null;
            s.stale = true; // what it holds in memory is not what is on disk: never commit it
            try {
              reopenSession(ctx, s);
            } catch {
              // the session-closed event told every client; the job's own outcome says why
            }
          },
        }) as JobInfo;
        id = info.id;
        if (!dryRun) s.writer = id;
        return info;
      } catch (e) {
        forget();
        throw e;
      }
    },
  };
}

function labelOf(spec: RestoreSpec): string {
  return `${spec.dryRun ? 'restore (dry run)' : 'restore'} ${spec.target} from ${spec.dumpName ?? spec.dump}`;
}

/** What the open store holds, as the confirmation shows it. */
function describe(info: StoreInfo): string {
  const n = info.snapshots.length;
  return `a ${info.format} store: ${n} snapshot${n === 1 ? '' : 's'}, ${info.exceptions} exceptions`;
}

/** An uploaded dump, in a directory only this user can read. */
function saveUpload(text: string): { dir: string; file: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snapscope-restore-'));
  const file = path.join(dir, 'uploaded-dump');
  fs.writeFileSync(file, text, { mode: 0o600 });
  return { dir, file };
}
