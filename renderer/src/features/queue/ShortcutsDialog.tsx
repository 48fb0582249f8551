import { type KeyboardEvent, useEffect, useId, useRef } from 'react';
import { ModalDialog } from '../../components/ModalDialog';
import { AMOUNT_DIFF_SEQUENCE, QUEUE_SHORTCUTS } from './queue-shortcuts';

/**
 * Every shortcut of the queue, as a modal dialog: focus moves into it, stays in it, Escape or
 * Close closes it, and focus goes back to where it was (the caller keeps that element).
 */
export function ShortcutsDialog({ onClose }: { onClose: () => void }) {
  const titleId = useId();
  const descriptionId = useId();
  const closeRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    closeRef.current?.focus();
  }, []);

  function handleKey(event: KeyboardEvent<HTMLDivElement>) {
    if (event.key === 'Escape') {
      // Important: the item panel also closes on Escape; the dialog's own Escape must stop here.
      event.preventDefault();
      event.stopPropagation();
      onClose();
    } else if (event.key === 'Tab') {
      // One control: Tab keeps focus on it rather than leaving the modal dialog.
      event.preventDefault();
      closeRef.current?.focus();
    }
  }

  return (
    <ModalDialog
      className="shortcuts-dialog"
      title="Keyboard shortcuts"
      titleId={titleId}
      describedBy={descriptionId}
      testId="shortcuts-dialog"
      onKeyDown={handleKey}
      onClose={onClose}
      closeRef={closeRef}
    >
      <p id={descriptionId} className="hint">
        Keys work anywhere in the Queue view except while you type in a field. After every action the next open item opens.
      </p>
      {QUEUE_SHORTCUTS.map(({ group, shortcuts }) => (
        <section key={group} aria-label={group}>
          <h3>{group}</h3>
          <dl className="shortcut-list">
            {shortcuts.map((shortcut) => (
              <div key={shortcut.does} className="shortcut">
                <dt>
                  {shortcut.keys.map((key, index) => (key === '…' ? <span key={index}> … </span> : <kbd key={index}>{key}</kbd>))}
                </dt>
                <dd>{shortcut.does}</dd>
              </div>
            ))}
          </dl>
        </section>
      ))}
      <h3>One amount difference, written off</h3>
      <p data-testid="shortcuts-sequence">
        With the item open: <kbd>w</kbd> <kbd>1</kbd> <em>note</em> <kbd>Enter</kbd>. {AMOUNT_DIFF_SEQUENCE}
      </p>
    </ModalDialog>
  );
}
