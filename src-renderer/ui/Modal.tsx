import { useEffect, useId, useRef, type KeyboardEvent, type ReactNode } from 'react';
import { useAppStore } from '../app/store-context.tsx';

const FOCUSABLE = 'input:not([disabled]), select:not([disabled]), textarea:not([disabled]), button:not([disabled]), a[href], [tabindex]:not([tabindex="-1"])';

/**
 * A modal dialog on the platform's `<dialog>` with showModal(): the page behind is inert, Tab
 * cycles inside, Escape cancels from wherever the focus is, and the focus starts on the safe
 * choice — the first field, else the element marked `data-autofocus` (Cancel, in dialogs that
 * destroy) — and goes back where it was on close. While one is open, the store counts an edit
 * in progress (a change on disk is then announced instead of reloaded under the user).
 */
export function Modal({ title, children, footer, onClose, wide }: { title: string; children: ReactNode; footer: ReactNode; onClose: () => void; wide?: boolean }) {
  const id = useId();
  const ref = useRef<HTMLDialogElement>(null);
  const store = useAppStore();
  const close = useRef(onClose);
  close.current = onClose;
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const previous = document.activeElement as HTMLElement | null;
    // showModal() where the platform has it (browsers, Electron); a DOM without it (jsdom) shows the dialog open.
    if (!dialog.open) {
      if (typeof dialog.showModal === 'function') dialog.showModal();
      else dialog.setAttribute('open', '');
    }
    const start = dialog.querySelector<HTMLElement>('.modal-body input, .modal-body select, .modal-body textarea') ?? dialog.querySelector<HTMLElement>('[data-autofocus]') ?? dialog.querySelector<HTMLElement>(FOCUSABLE);
    start?.focus();
    // A suggested value (a default name) is selected, so typing replaces it instead of appending.
    if (start instanceof HTMLInputElement && start.type === 'text') start.select();
    const cancel = (e: Event): void => {
      e.preventDefault(); // the dialog stays mounted until its owner unmounts it
      close.current();
    };
    dialog.addEventListener('cancel', cancel);
    store.getState().setEditing(1);
    return () => {
      dialog.removeEventListener('cancel', cancel);
      if (dialog.open && typeof dialog.close === 'function') dialog.close();
      store.getState().setEditing(-1);
      previous?.focus();
    };
  }, [store]);
  /** Tab and Shift+Tab wrap around inside the dialog. */
  const trap = (e: KeyboardEvent<HTMLDialogElement>): void => {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      close.current();
      return;
    }
    if (e.key !== 'Tab') return;
    const items = [...(ref.current?.querySelectorAll<HTMLElement>(FOCUSABLE) ?? [])].filter((el) => el.offsetParent !== null);
    if (items.length === 0) return;
    const first = items[0]!;
    const last = items[items.length - 1]!;
    const active = document.activeElement;
    if (e.shiftKey && (active === first || !ref.current?.contains(active))) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && (active === last || !ref.current?.contains(active))) {
      e.preventDefault();
      first.focus();
    }
  };
  return (
    <dialog
      ref={ref}
      className={wide ? 'modal wide' : 'modal'}
      aria-labelledby={id}
      onKeyDown={trap}
      onMouseDown={(e) => e.target === e.currentTarget && close.current()}
    >
      <div className="modal-body">
        <h2 id={id}>{title}</h2>
        {children}
      </div>
      <div className="modal-foot">{footer}</div>
    </dialog>
  );
}
