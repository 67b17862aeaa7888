import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { RestoreResultDto } from '../../../src-core/api/contract.ts';
import { useApp } from '../../app/store-context.tsx';
import type { ViewError } from '../../store/errors.ts';
import type { RestoreAsk } from '../../store/tools-slice.ts';
import { Card } from '../../ui/Card.tsx';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { formatBytes, formatCount } from '../../viz/format.ts';
import { PathField } from '../start/PathField.tsx';
import { RestoreConfirm } from './RestoreConfirm.tsx';

/** What the host takes as an upload (serve mode's bodies are 1 MiB at most); larger dumps are chosen on the server. */
const MAX_UPLOAD_CHARS = 768 << 10;

/**
 * `snapscope restore` in the UI: the metadata of the open store (in place, backed up) or of a COW
 * path rewritten from a dump on the server or uploaded. A dry run first says what will be written
 * and overwritten; the confirmation starts on Cancel.
 */
export function RestoreCard() {
  const session = useApp((s) => s.session);
  const { previewRestore, runRestore, busy, toolJob, jobs, result, controlJob } = useApp(
    useShallow((s) => ({ previewRestore: s.previewRestore, runRestore: s.runRestore, busy: s.toolBusy, toolJob: s.toolJob, jobs: s.jobs, result: s.toolResults.restore, controlJob: s.controlJob })),
  );
  const [into, setInto] = useState<'store' | 'path'>(session ? 'store' : 'path');
  const [target, setTarget] = useState('');
  const [dumpPath, setDumpPath] = useState('');
  const [upload, setUpload] = useState<{ name: string; text: string } | null>(null);
  const [dataFrom, setDataFrom] = useState('');
  const [preview, setPreview] = useState<{ ask: RestoreAsk; plan: RestoreResultDto } | null>(null);
  const [error, setError] = useState<ViewError | null>(null);
  const onStore = into === 'store' && session !== null;
  const dump = upload ? { dumpText: upload.text } : dumpPath.trim() ? { dump: dumpPath.trim() } : null;
  const where = onStore ? { session: session.session } : target.trim() ? { cow: target.trim() } : null;
  const ask: RestoreAsk | null = dump && where ? { ...where, ...dump, ...(!onStore && (dataFrom.trim() ? { dataFrom: dataFrom.trim() } : { metadataOnly: true })) } : null;
  const job = toolJob && busy === 'restore' ? jobs[toolJob] : undefined;

  const review = async (): Promise<void> => {
    if (!ask) return;
    setError(null);
    const plan = await previewRestore(ask);
    if ('code' in plan) setError(plan);
    else setPreview({ ask, plan });
  };
  const pickUpload = async (file: File | undefined): Promise<void> => {
    setError(null);
    if (!file) return setUpload(null);
    if (file.size > MAX_UPLOAD_CHARS) {
      setUpload(null);
      setError({ code: 'usage', message: `${file.name} is ${formatBytes(file.size)}; uploads take at most ${formatBytes(MAX_UPLOAD_CHARS)}`, hint: 'Put the dump on the server and choose it with Browse… instead.', where: {} } as ViewError);
      return;
    }
    setUpload({ name: file.name, text: await file.text() });
  };

  return (
    <Card title="Restore from a dump" labelledBy="restore-title">
      <p className="muted" style={{ marginTop: 0 }}>
        Rewrites the metadata from a dump (<code>snapscope restore</code>); data chunks stay where the dump says. In place, every overwritten sector is backed up first.
      </p>
      <div className="grid" style={{ gap: 8 }}>
        {session && (
          <label className="row" style={{ gap: 6 }}>
            <input type="radio" name="restore-into" checked={into === 'store'} onChange={() => setInto('store')} />
            Into the open store <span className="mono">{session.cow}</span>
          </label>
        )}
        <label className="row" style={{ gap: 6 }}>
          {session && <input type="radio" name="restore-into" checked={into === 'path'} onChange={() => setInto('path')} />}
          Into a COW image or device at a path
        </label>
        {!onStore && (
          <>
            <PathField label="Restore target" value={target} onChange={setTarget} />
            <PathField label="Data chunks from (empty: metadata only)" value={dataFrom} onChange={setDataFrom} />
          </>
        )}
        <PathField label="Dump file on the server" value={upload ? '' : dumpPath} onChange={(p) => (setUpload(null), setDumpPath(p))} />
        <label className="row" style={{ gap: 6 }}>
          or upload one: <input type="file" aria-label="Upload a dump" accept=".json,.xml,application/json,application/xml" onChange={(e) => void pickUpload(e.target.files?.[0])} />
        </label>
      </div>
      <div className="row" style={{ marginTop: 12 }}>
        <button type="button" className="btn" disabled={!ask || busy !== null} onClick={() => void review()}>
          {busy === 'restore' ? 'Restoring…' : 'Restore…'}
        </button>
        {job && job.endedAt === null && (
          <>
            <span className="muted" data-testid="restore-progress">
              {job.progress.phase}: {job.progress.total ? Math.floor((100 * job.progress.done) / job.progress.total) : 0}%
            </span>
            <button type="button" className="btn btn-sm" onClick={() => void controlJob('cancel', job.id)}>
              Cancel restore
            </button>
          </>
        )}
      </div>
      {error && <ErrorAlert error={error} title="The restore did not start" />}
      {preview && (
        <RestoreConfirm
          plan={preview.plan}
          dumpName={upload?.name ?? dumpPath}
          onClose={() => setPreview(null)}
          onConfirm={(force) => {
            void runRestore({ ...preview.ask, ...(force && { force: true }) });
            return Promise.resolve(null);
          }}
        />
      )}
      {result && !result.dryRun && (
        <div className="alert info" role="status" data-testid="restore-report" data-written={result.written} style={{ marginTop: 12 }}>
          <div>
            <strong>
              Restored {formatCount(result.exceptions)} exceptions into <span className="mono">{result.target}</span>
            </strong>
            <p>
              {result.written} metadata chunks written.
              {result.backup && (
                <>
                  {' '}
                  The old contents are in <span className="mono">{result.backup}</span>; undo with <span className="mono">snapscope backup-restore {result.target} --backup {result.backup}</span>
                </>
              )}
            </p>
          </div>
        </div>
      )}
    </Card>
  );
}
