import { useState } from 'react';
import type { ViewError } from '../store/errors.ts';
import { ErrorAlert } from './ErrorAlert.tsx';
import { Modal } from './Modal.tsx';

/** Asks for one name (create, rename), validating it is not empty. */
export function PromptDialog({
  title,
  label,
  initial,
  confirmLabel,
  onSubmit,
  onClose,
}: {
  title: string;
  label: string;
  initial: string;
  confirmLabel: string;
  onSubmit: (value: string) => Promise<ViewError | null>;
  onClose: () => void;
}) {
  const [value, setValue] = useState(initial);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ViewError | null>(null);
  const submit = async (): Promise<void> => {
    setBusy(true);
    const err = await onSubmit(value.trim());
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
          <button type="submit" form="prompt-form" className="btn btn-primary" disabled={busy || value.trim() === ''}>
            {busy ? 'Working…' : confirmLabel}
          </button>
        </>
      }
    >
      <form
        id="prompt-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (value.trim()) void submit();
        }}
      >
        <label className="field">
          {label}
          <input className="input" value={value} onChange={(e) => setValue(e.target.value)} maxLength={64} />
        </label>
      </form>
      {error && <ErrorAlert error={error} title="That did not work" />}
    </Modal>
  );
}
