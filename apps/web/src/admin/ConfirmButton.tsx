import { useEffect, useId, useRef, useState, type ReactNode } from 'react';

export interface ConfirmButtonProps {
  /** The button's label, also the confirm button's. */
  label: string;
  /** What will happen, in the dialog: say what and how many. */
  question: ReactNode;
  /** Runs once confirmed; its resolved text is announced (e.g. "3 jobs retried"). */
  action: () => Promise<string>;
  onDone?: (message: string) => void;
  disabled?: boolean;
  danger?: boolean;
}

/** A button whose action runs only after the admin confirms it in a modal alert dialog. */
export function ConfirmButton({ label, question, action, onDone, disabled, danger }: ConfirmButtonProps) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const titleId = useId();
  const bodyId = useId();
  const cancelRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    // The safe choice has the focus, as in every OS confirmation.
    if (open) cancelRef.current?.focus();
  }, [open]);

  const close = () => {
    setOpen(false);
    setError(null);
  };

  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      const message = await action();
      close();
      onDone?.(message);
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <button type="button" className={danger ? 'danger' : undefined} disabled={disabled} onClick={() => setOpen(true)}>
        {label}
      </button>
      {open && (
        <div className="admin-backdrop">
          <div
            role="alertdialog"
            aria-modal="true"
            aria-labelledby={titleId}
            aria-describedby={bodyId}
            className="admin-dialog"
            onKeyDown={(event) => {
              if (event.key === 'Escape' && !busy) close();
            }}
          >
            <h3 id={titleId}>{label}?</h3>
            <div id={bodyId}>{question}</div>
            {error && <p role="alert" className="error">{error}</p>}
            <div className="actions">
              <button type="button" ref={cancelRef} onClick={close} disabled={busy}>
                Cancel
              </button>
              <button type="button" className={danger ? 'danger' : 'primary'} onClick={() => void confirm()} disabled={busy}>
                {busy ? 'Working…' : `Confirm: ${label}`}
              </button>
            </div>
          </div>
        </div>
      )}
    </>
  );
}
