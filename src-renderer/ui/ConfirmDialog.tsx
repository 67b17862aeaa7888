import { useId, useState, type ReactNode } from 'react';
import type { ViewError } from '../store/errors.ts';
import { ErrorAlert } from './ErrorAlert.tsx';
import { Modal } from './Modal.tsx';

/**
 * The frame of every dialog that acts: Cancel and a confirm button, the body a form (Enter in a
 * field confirms), "Working…" while the action runs, and the action's error kept in the dialog so
 * the user sees it where they acted. Used as is to ask before something destructive, naming what
 * will be lost. The focus starts on the first field, else on Cancel: Enter never destroys by default.
 */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  danger,
  disabled,
  wide,
  onConfirm,
  onClose,
}: {
  title: string;
  /** The form's fields; as a function, given the id of the action's error while one shows (a field it concerns points at it). */
  children: ReactNode | ((errorId: string | null) => ReactNode);
  confirmLabel: string;
  danger?: boolean;
  /**
   * Not ready to confirm (a field is empty, a dry run is still running). As text, why: the button
   * is then only aria-disabled (a disabled default button blocks Enter in a field outright), and
   * Enter or a click shows the reason as the dialog's error instead of doing nothing unexplained.
   */
  disabled?: boolean | string;
  wide?: boolean;
  onConfirm: () => Promise<ViewError | null>;
  onClose: () => void;
}) {
  const form = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ViewError | null>(null);
  const confirm = async (): Promise<void> => {
    if (typeof disabled === 'string' && !busy) setError({ code: 'usage', message: disabled, where: {}, hint: '' });
    if (busy || disabled) return;
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
      wide={wide ?? false}
      footer={
        <>
          <button type="button" className="btn" data-cancel data-autofocus onClick={onClose}>
            Cancel
          </button>
          <button
            type="submit"
            form={form}
            className={`btn ${danger ? 'btn-danger solid' : 'btn-primary'}`}
            disabled={busy || disabled === true}
            aria-disabled={typeof disabled === 'string' || undefined}
          >
            {busy ? 'Working…' : confirmLabel}
          </button>
        </>
      }
    >
      <form
        id={form}
        onSubmit={(e) => {
          e.preventDefault();
          void confirm();
        }}
      >
        {typeof children === 'function' ? children(error ? `${form}-error` : null) : children}
      </form>
      {error && <ErrorAlert id={`${form}-error`} error={error} title="That did not work" />}
    </Modal>
  );
}
