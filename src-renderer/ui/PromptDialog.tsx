import { useState } from 'react';
import type { ViewError } from '../store/errors.ts';
import { ConfirmDialog } from './ConfirmDialog.tsx';

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
  // The name last refused: the field is marked invalid, described by the error, until it changes.
  const [sent, setSent] = useState<string | null>(null);
  return (
    <ConfirmDialog
      title={title}
      confirmLabel={confirmLabel}
      disabled={value.trim() === '' && `The ${label.toLowerCase()} is empty: type one.`}
      onClose={onClose}
      onConfirm={() => {
        setSent(value.trim());
        return onSubmit(value.trim());
      }}
    >
      {(errorId) => {
        const refused = errorId !== null && (sent === value.trim() || value.trim() === '');
        return (
          <label className="field">
            {label}
            <input className="input" value={value} onChange={(e) => setValue(e.target.value)} maxLength={64} aria-invalid={refused || undefined} aria-describedby={refused ? errorId : undefined} />
          </label>
        );
      }}
    </ConfirmDialog>
  );
}
