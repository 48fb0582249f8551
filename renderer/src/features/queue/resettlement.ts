// The amount of a resettlement as the associate types it: signed or not, in major units of the
// item's currency. Whether the amount fits the item (its sign, at most what the facts support) is
// the shared controls' question, not this file's.

import { currencyExponent } from '../../../../shared/currency';
import { formatAmount, parseMajorAmount, type ParsedAmount } from '../../../../shared/money';

/** The resettlement in minor units for an amount typed in major units ("12.50" -> 1250). */
export function toResettlementMinor(text: string, currency: string): ParsedAmount {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, problem: 'Enter the amount.' };
  const parsed = parseMajorAmount(trimmed, currencyExponent(currency));
  if (!parsed.ok) return parsed;
  if (parsed.minor === 0) return { ok: false, problem: 'The amount must not be zero.' };
  return parsed;
}

/** An amount of minor units as the field shows it ("125.40"). */
export function resettlementText(amountMinor: number, currency: string): string {
  return formatAmount(amountMinor, currency);
}
