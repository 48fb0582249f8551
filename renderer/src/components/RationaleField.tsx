import { submitOnEnter } from './submit-on-enter';

/** Why the checker approves a decision: required, and kept with the approval in the audit log. */
export function RationaleField({ value, onChange }: { value: string; onChange: (value: string) => void }) {
  return (
    <label className="field">
      Rationale
      <textarea value={value} required maxLength={500} rows={2} aria-keyshortcuts="Enter" onChange={(event) => onChange(event.currentTarget.value)} onKeyDown={submitOnEnter} />
    </label>
  );
}
