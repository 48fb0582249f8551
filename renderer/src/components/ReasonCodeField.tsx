import { useId } from 'react';
import { reasonCodesFor, type ReasonCodeUse } from '../../../shared/controls';
import type { RuleSet } from '../../../shared/rules';

/**
 * The reason code of a hand decision, from the rules' codes for that kind of decision. Nothing is
 * chosen at first: a code the associate did not pick would justify nothing. The digits 1-9 pick
 * the code in that place and call `onPicked` (the form moves on to its note): a keyboard shortcut.
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
  onPicked,
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
  onPicked?: () => void;
}) {
  const id = useId();
  const codes = reasonCodesFor(rules, use);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} required={isRequired} aria-describedby={describedBy} autoFocus={autoFocus} onChange={(event) => onChange(event.currentTarget.value)}
        onKeyDown={(event) => {
          if (event.ctrlKey || event.metaKey || event.altKey || !/^[1-9]$/.test(event.key)) return;
          const code = codes[Number(event.key) - 1];
          if (!code) return;
          // Codes are words, so a digit means nothing to the list's own type-to-find: it is ours.
          event.preventDefault();
          onChange(code.code);
          onPicked?.();
        }}
      >
        <option value="">Choose a reason code…</option>
        {codes.map((code, index) => (
          <option key={code.code} value={code.code}>
            {/* The digit that picks it, for the first nine. */}
            {index < 9 ? `${index + 1} · ` : ''}
            {code.code}: {code.label}
          </option>
        ))}
      </select>
    </div>
  );
}
