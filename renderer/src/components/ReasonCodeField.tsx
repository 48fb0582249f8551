import { useId } from 'react';
import { reasonCodesFor, type ReasonCodeUse } from '../../../shared/controls';
import type { RuleSet } from '../../../shared/rules';

/**
 * The reason code of a hand decision, from the rules' codes for that kind of decision. Nothing is
 * chosen at first: a code the associate did not pick would justify nothing.
 */
export function ReasonCodeField({
  rules,
  use,
  value,
  onChange,
  isRequired = true,
  label = 'Reason code',
  describedBy,
  autoFocus = false,
}: {
  rules: Pick<RuleSet, 'reasonCodes'>;
  use: ReasonCodeUse;
  value: string;
  onChange: (code: string) => void;
  isRequired?: boolean;
  label?: string;
  /** The id of the hint that says why a code is (or is not) needed. */
  describedBy?: string;
  autoFocus?: boolean;
}) {
  const id = useId();
  const codes = reasonCodesFor(rules, use);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} required={isRequired} aria-describedby={describedBy} autoFocus={autoFocus} onChange={(event) => onChange(event.currentTarget.value)}>
        <option value="">Choose a reason code…</option>
        {codes.map((code) => (
          <option key={code.code} value={code.code}>
            {code.code}: {code.label}
          </option>
        ))}
      </select>
    </div>
  );
}
