import { useEffect, useRef, useState, type ReactNode } from 'react';
import { ErrorBox } from './feedback.tsx';

export interface ConfirmProps {
  /** The button's text (also its accessible name). */
  label: string;
  /** What the dialog asks. */
  question: ReactNode;
  /** Ask for a comment (required when `commentRequired`). */
  comment?: 'optional' | 'required';
  danger?: boolean;
  disabled?: boolean;
  onConfirm(comment: string): Promise<unknown>;
  children?: ReactNode;
}

/** A button that asks for confirmation in a modal dialog, then runs the action and shows its error. */
export function ConfirmButton({ label, question, comment, danger, disabled, onConfirm, children }: ConfirmProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  useEffect(() => {
    if (open) dialog.current?.showModal();
    else dialog.current?.close();
  }, [open]);

  const confirm = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await onConfirm(text);
      setOpen(false);
      setText('');
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <button type="button" className={danger ? 'danger' : undefined} disabled={disabled} onClick={() => setOpen(true)}>
        {label}
      </button>
      <dialog ref={dialog} aria-label={`Confirm: ${label}`} onClose={() => setOpen(false)}>
        <form
          method="dialog"
          onSubmit={(event) => {
            event.preventDefault();
            void confirm();
          }}
        >
          <h2>{label}</h2>
          <div>{question}</div>
          {children}
          {comment && (
            <label className="field">
              Comment{comment === 'optional' ? ' (optional)' : ''}
              <textarea value={text} required={comment === 'required'} onChange={(event) => setText(event.target.value)} rows={3} />
            </label>
          )}
          <ErrorBox error={error} />
          <div className="actions">
            <button type="button" onClick={() => setOpen(false)}>
              Cancel
            </button>
            <button type="submit" className={danger ? 'danger' : 'primary'} disabled={busy}>
              {busy ? 'Working…' : `Confirm ${label.toLowerCase()}`}
            </button>
          </div>
        </form>
      </dialog>
    </>
  );
}
