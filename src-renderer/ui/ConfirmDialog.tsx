import { useState, type ReactNode } from 'react';
import type { ViewError } from '../store/errors.ts';
import { ErrorAlert } from './ErrorAlert.tsx';
import { Modal } from './Modal.tsx';

/**
 * Asks before something destructive, naming what will be lost. The action's error, if any, stays
 * in the dialog so the user sees it where they acted.
 */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  danger,
  onConfirm,
  onClose,
}: {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  onConfirm: () => Promise<ViewError | null>;
  onClose: () => void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ViewError | null>(null);
  const confirm = async (): Promise<void> => {
    setBusy(true);
    const err = await onConfirm();
    setBusy(false);
    if (err) setError(err);
    else onClose();
  };
  return (
    <Modal
      title={title}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn" data-cancel onClick={onClose}>
            Cancel
          </button>
          <button type="button" className={`btn ${danger ? 'btn-danger solid' : 'btn-primary'}`} disabled={busy} onClick={() => void confirm()}>
            {busy ? 'Working…' : confirmLabel}
          </button>
        </>
      }
    >
      {children}
      {error && <ErrorAlert error={error} title="That did not work" />}
    </Modal>
  );
}
