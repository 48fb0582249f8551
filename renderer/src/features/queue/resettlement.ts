// A resettlement sent by hand: the record is a presentment (reversals and chargebacks reach
// global finance from the networks' own records), so the bank pays the customer back and the
// amount is positive (spec section 5). The associate types it in major units of the item's currency.

import { currencyExponent } from '../../../../shared/currency';
import { GLOBAL_FINANCE_REASONS, type GlobalFinanceReason } from '../../../../shared/domain';
import type { ItemDetail } from '../../../../shared/ipc/recon-api';
import { formatAmount, parseMajorAmount, type ParsedAmount } from '../../../../shared/money';

/** The reasons a presentment's mismatch goes to global finance for, by hand: each pays the customer back. */
export const HAND_GLOBAL_FINANCE_REASONS = GLOBAL_FINANCE_REASONS.filter((reason) => reason !== 'REVERSAL' && reason !== 'CHARGEBACK');

/** Whether `text` is one of the reasons a mismatch goes to global finance for by hand. */
export function isGlobalFinanceReason(text: string): text is GlobalFinanceReason {
  return (HAND_GLOBAL_FINANCE_REASONS as readonly string[]).includes(text);
}

/** The resettlement in minor units for an amount typed as unsigned major units ("12.50" -> 1250). */
export function toResettlementMinor(text: string, currency: string): ParsedAmount {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, problem: 'Enter the amount.' };
  if (/^[+-]/.test(trimmed)) return { ok: false, problem: 'Enter the amount without a sign: it pays the customer back.' };
  const parsed = parseMajorAmount(trimmed, currencyExponent(currency));
  if (!parsed.ok) return parsed;
  if (parsed.minor === 0) return { ok: false, problem: 'The amount must not be zero.' };
  return parsed;
}

/** The amount field's starting text: the item's amount, unsigned, in major units ("125.40"). */
export function defaultResettlementText(detail: ItemDetail): string {
  return formatAmount(Math.abs(detail.item.amountMinor), detail.item.currency);
}

/** The reason the item's own facts point at, as the form's first choice; the associate can change it. */
export function suggestGlobalFinanceReason(detail: ItemDetail): GlobalFinanceReason {
  // The engine takes LEDGER_NOT_COMPLETED only with a counterpart that did not go out.
  const didNotGoOut = detail.candidates.some(
    (candidate) => candidate.side === 'LEDGER' && ['FAILED', 'CANCELLED', 'RETURNED'].includes(candidate.status),
  );
  return didNotGoOut ? 'LEDGER_NOT_COMPLETED' : 'NETWORK_ONLY_AGED';
}
