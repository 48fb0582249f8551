import { type Ref } from 'react';
import { submitOnEnter } from './submit-on-enter';

/** The most an action's note may hold (the contract's limit for write-off, global-finance and mark-done notes). */
const ACTION_NOTE_LIMIT = 500;

/**
 * The note the associate writes with a manual action on an item, saying why. Write-off and
 * global finance require it; mark done takes it optionally, so there it says so in the field.
 */
export function ActionNoteField({
  value,
  onChange,
  isOptional = false,
  ref,
}: {
  value: string;
  onChange: (value: string) => void;
  isOptional?: boolean;
  ref?: Ref<HTMLTextAreaElement>;
}) {
  return (
    <label className="field">
      Note
      <textarea
        ref={ref}
        value={value}
        required={!isOptional}
        maxLength={ACTION_NOTE_LIMIT}
        rows={2}
        placeholder={isOptional ? 'optional' : undefined}
        aria-keyshortcuts="Enter"
        onChange={(event) => onChange(event.currentTarget.value)}
        onKeyDown={submitOnEnter}
      />
    </label>
  );
}
