import { useState } from 'react';
import { useApp } from '../../app/store-context.tsx';
import type { ToolTarget } from '../../store/tools-slice.ts';
import { Card } from '../../ui/Card.tsx';
import { formatBytes, formatCount } from '../../viz/format.ts';

/** The store's metadata as JSON or XML (`snapscope dump`), downloaded as a file. */
export function DumpCard({ target }: { target: ToolTarget | null }) {
  const runDump = useApp((s) => s.runDump);
  const busy = useApp((s) => s.toolBusy);
  const result = useApp((s) => s.toolResults.dump);
  const [format, setFormat] = useState<'json' | 'xml'>('json');
  const download = async (): Promise<void> => {
    if (!target) return;
    const dump = await runDump(target, format);
    if (!dump) return;
    const url = URL.createObjectURL(new Blob([dump.text], { type: format === 'json' ? 'application/json' : 'application/xml' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `snapscope-dump.${format}`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };
  return (
    <Card title="Dump" labelledBy="dump-title">
      <p className="muted" style={{ marginTop: 0 }}>
        Every exception and the header, for <code>snapscope restore</code> or a diff. Cut at 64 MiB here; <code>snapscope dump</code> streams any size.
      </p>
      <div className="row">
        <select className="input" aria-label="Dump format" value={format} onChange={(e) => setFormat(e.target.value === 'xml' ? 'xml' : 'json')}>
          <option value="json">JSON</option>
          <option value="xml">XML</option>
        </select>
        <button type="button" className="btn" disabled={!target || busy !== null} onClick={() => void download()}>
          {busy === 'dump' ? 'Dumping…' : 'Download dump'}
        </button>
      </div>
      {result && (
        <p className="muted" data-testid="dump-result">
          {formatCount(result.exceptions)} exceptions, {formatBytes(result.text.length)}
          {result.truncated && (
            <>
              {' '}— cut short: use <code>snapscope dump</code> for the whole store
            </>
          )}
          {result.errors ? `; ${result.errors} errors met (only what check vouches for is dumped)` : ''}
        </p>
      )}
    </Card>
  );
}
