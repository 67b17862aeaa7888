import { useEffect, useState } from 'react';
import type { BrowseResult } from '../../../src-core/api/contract.ts';
import { useApp } from '../../app/store-context.tsx';
import type { ViewError } from '../../store/errors.ts';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { Modal } from '../../ui/Modal.tsx';
import { formatBytes } from '../../viz/format.ts';

/**
 * The server's file system, one directory at a time (the `browse` call lists only what this
 * user can read, by resolved paths): directories open, a file or device is picked.
 */
export function FileChooser({ title, start, onPick, onClose }: { title: string; start?: string | undefined; onPick: (path: string) => void; onClose: () => void }) {
  const browse = useApp((s) => s.browse);
  const [listing, setListing] = useState<BrowseResult | null>(null);
  const [error, setError] = useState<ViewError | null>(null);
  const go = async (dir?: string): Promise<void> => {
    const r = await browse(dir);
    if ('entries' in r) {
      setListing(r);
      setError(null);
    } else if (dir !== undefined && listing === null) await go(); // the start is gone: the home directory
    else setError(r);
  };
  useEffect(() => {
    void go(start);
    // Listed once on open; later listings follow clicks.
  }, []);
  return (
    <Modal
      title={title}
      wide
      onClose={onClose}
      footer={
        <button type="button" className="btn" data-autofocus onClick={onClose}>
          Cancel
        </button>
      }
    >
      {listing && (
        <div className="row" style={{ gap: 6 }}>
          <button type="button" className="btn btn-sm" disabled={listing.parent === null} onClick={() => listing.parent && void go(listing.parent)}>
            Up
          </button>
          <span className="mono" data-testid="chooser-dir">
            {listing.dir}
          </span>
        </div>
      )}
      {error && <ErrorAlert error={error} title="Cannot list that directory" />}
      {listing && (
        <ul className="chooser" aria-label="Files">
          {listing.entries.map((e) => (
            <li key={e.path}>
              <button type="button" className="btn btn-sm link" data-kind={e.kind} onClick={() => (e.kind === 'directory' ? void go(e.path) : onPick(e.path))}>
                {e.kind === 'directory' ? `${e.name}/` : e.name}
              </button>
              <span className="muted"> {e.kind === 'file' && e.sizeBytes !== null ? formatBytes(e.sizeBytes) : e.kind === 'device' ? 'block device' : ''}</span>
            </li>
          ))}
          {listing.entries.length === 0 && <li className="muted">Nothing readable here.</li>}
          {listing.more > 0 && <li className="muted">… and {listing.more} more not listed</li>}
        </ul>
      )}
    </Modal>
  );
}
