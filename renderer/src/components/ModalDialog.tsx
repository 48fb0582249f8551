import type { KeyboardEvent, ReactNode, Ref } from 'react';

/**
 * A modal dialog over a backdrop: a click on the backdrop closes it, a click inside does not; its
 * title names it and its Close button is the header's. The dialog's own keys (Escape, the focus
 * kept inside, arrows) are the caller's `onKeyDown`, since each dialog keeps focus its own way.
 */
export function ModalDialog({
  className,
  title,
  titleId,
  describedBy,
  testId,
  onKeyDown,
  onClose,
  dialogRef,
  closeRef,
  children,
}: {
  className: string;
  title: ReactNode;
  titleId: string;
  describedBy?: string;
  testId: string;
  onKeyDown(event: KeyboardEvent<HTMLDivElement>): void;
  onClose(): void;
  dialogRef?: Ref<HTMLDivElement>;
  closeRef?: Ref<HTMLButtonElement>;
  children: ReactNode;
}) {
  return (
    <div className="dialog-backdrop" onClick={onClose}>
      <div
        ref={dialogRef}
        className={`dialog ${className}`}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={describedBy}
        data-testid={testId}
        onKeyDown={onKeyDown}
        onClick={(event) => event.stopPropagation()}
      >
        <div className="dialog-header">
          <h2 id={titleId}>{title}</h2>
          <button ref={closeRef} type="button" className="button-small" onClick={onClose}>
            Close
          </button>
        </div>
        {children}
      </div>
    </div>
  );
}
