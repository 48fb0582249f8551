// What a resettlement amount means: the reason decides its sign (spec section 5), the associate
// types only its size, in major units of the item's currency.

import { currencyExponent } from '../../../../shared/currency';
import { GLOBAL_FINANCE_REASONS, type GlobalFinanceReason } from '../../../../shared/domain';
import type { ItemDetail } from '../../../../shared/ipc/recon-api';
import { formatAmount, parseMajorAmount, type ParsedAmount } from '../../../../shared/money';

/** Reasons whose money the bank recovers (a negative resettlement); the others pay the customer back. */
const RECOVERY_REASONS: ReadonlySet<GlobalFinanceReason> = new Set(['REVERSAL', 'CHARGEBACK']);

/** Whether the bank recovers funds for this reason (negative), rather than paying the customer back (positive). */
export function isRecoveryReason(reason: GlobalFinanceReason): boolean {
  return RECOVERY_REASONS.has(reason);
}

/** Whether `text` is one of the global-finance reasons. */
export function isGlobalFinanceReason(text: string): text is GlobalFinanceReason {
  return (GLOBAL_FINANCE_REASONS as readonly string[]).includes(text);
}

/**
 * The signed resettlement in minor units for an amount typed as unsigned major units
 * ("12.50" -> 1250 for a pay-back reason, -1250 for REVERSAL or CHARGEBACK).
 */
export function toResettlementMinor(text: string, reason: GlobalFinanceReason, currency: string): ParsedAmount {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, problem: 'Enter the amount.' };
  if (/^[+-]/.test(trimmed)) return { ok: false, problem: 'Enter the amount without a sign: the reason decides it.' };
  const parsed = parseMajorAmount(trimmed, currencyExponent(currency));
  if (!parsed.ok) return parsed;
  if (parsed.minor === 0) return { ok: false, problem: 'The amount must not be zero.' };
  return { ok: true, minor: isRecoveryReason(reason) ? -parsed.minor : parsed.minor };
}

/** The amount field's starting text: the item's amount, unsigned, in major units ("125.40"). */
export function defaultResettlementText(detail: ItemDetail): string {
  return formatAmount(Math.abs(detail.item.amountMinor), detail.item.currency);
}

/** The reason the item's own facts point at, as the form's first choice; the associate can change it. */
export function suggestGlobalFinanceReason(detail: ItemDetail): GlobalFinanceReason {
  const record = detail.networkRecord;
  if (record?.txnType === 'REVERSAL' || record?.txnType === 'CREDIT') return 'REVERSAL';
  if (record?.txnType === 'CHARGEBACK' || record?.isSecondPresentment) return 'CHARGEBACK';
  const status = detail.ledgerPayment?.status;
  if (status === 'FAILED' || status === 'CANCELLED' || status === 'RETURNED') return 'LEDGER_NOT_COMPLETED';
  if (detail.item.side === 'NETWORK' && detail.item.reason === 'NO_LEDGER') return 'NETWORK_ONLY_AGED';
  return 'LEDGER_NOT_COMPLETED';
}
