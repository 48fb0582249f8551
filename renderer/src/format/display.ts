// How the window writes numbers, amounts, dates and names. Amounts stay integers of minor units
// until the shared formatter turns them into text; no floating point touches them here either.

import { describeDirection, resettlementDirection } from '../../../shared/controls';
import type { IngestOutcome } from '../../../shared/ipc/engine-results';
import { formatAmount } from '../../../shared/money';

const countFormat = new Intl.NumberFormat('en-US');

/** A count with thousands separators: 12,345. */
export function formatCount(count: number): string {
  return countFormat.format(count);
}

/** A count and its noun, singular or plural: "1 file", "3 records". */
export function plural(count: number, noun: string, nouns = `${noun}s`): string {
  return `${formatCount(count)} ${count === 1 ? noun : nouns}`;
}

/** An amount of minor units as major units with its currency: "1,234.50 USD", "-0.05 EUR", "1,000 JPY". */
export function formatMoney(amountMinor: number, currency: string): string {
  return formatDecimalAmount(formatAmount(amountMinor, currency), currency);
}

/** Decimal major units as the engine formats them ("-1234.50") with thousands separators and the currency: "-1,234.50 USD". */
export function formatDecimalAmount(text: string, currency: string): string {
  const [whole = '', fraction] = text.split('.');
  const sign = whole.startsWith('-') ? '-' : '';
  const digits = whole.replace('-', '').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${digits}${fraction === undefined ? '' : `.${fraction}`} ${currency}`;
}

/**
 * A timestamp from the engine in the associate's local time (or `timeZone`) with the zone's short
 * name, so a time is never read in the wrong zone: "2026-11-06 15:00:00 EST". The text as given if it is not one.
 */
export function formatTimestamp(text: string, timeZone?: string): string {
  const at = Date.parse(text);
  if (Number.isNaN(at)) return text;
  return formatEpoch(at, timeZone);
}

const zoneFormatters = new Map<string, Intl.DateTimeFormat>();

/** Epoch milliseconds as `YYYY-MM-DD HH:MM:SS ZONE`, in local time unless `timeZone` names another. */
export function formatEpoch(at: number, timeZone?: string): string {
  const key = timeZone ?? '';
  let formatter = zoneFormatters.get(key);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'short',
      ...(timeZone ? { timeZone } : {}),
    });
    zoneFormatters.set(key, formatter);
  }
  const parts = formatter.formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((entry) => entry.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}:${part('second')} ${part('timeZoneName')}`;
}

/** The last part of a path, whichever separator the platform used. */
export function baseName(path: string): string {
  const parts = path.split(/[\\/]/).filter((part) => part !== '');
  return parts.at(-1) ?? path;
}

/** What became of a file, in one sentence after its name. */
export function describeOutcome(outcome: IngestOutcome): string {
  switch (outcome.status) {
    case 'ingested': {
      const counts = [
        `${formatCount(outcome.rowsStored)} stored`,
        `${formatCount(outcome.rowsQuarantined)} quarantined`,
        `${formatCount(outcome.rowsOutOfScope)} out of scope`,
      ];
      if (outcome.rowsUnchanged > 0) counts.push(`${formatCount(outcome.rowsUnchanged)} unchanged`);
      if (outcome.rowsStatusUpdated > 0) counts.push(`${formatCount(outcome.rowsStatusUpdated)} status updated`);
      return `Ingested as ${outcome.format} (${outcome.side}): ${formatCount(outcome.rowsRead)} rows read, ${counts.join(', ')}.`;
    }
    case 'already-ingested':
      return `Already ingested on ${formatTimestamp(outcome.ingestedAt)} as ${outcome.ingestedAs} (${outcome.format}); nothing was stored again.`;
    case 'rejected':
      // A lock or a file still being written is no fault of the file: it is tried again.
      return outcome.isTransient ? `Not ingested yet: ${outcome.reason}` : `Rejected: ${outcome.reason}`;
  }
}

/** The short label of an outcome's status. */
export function outcomeLabel(outcome: IngestOutcome): string {
  switch (outcome.status) {
    case 'ingested':
      return 'Ingested';
    case 'already-ingested':
      return 'Already ingested';
    case 'rejected':
      return outcome.isTransient ? 'Waiting' : 'Rejected';
  }
}

/** A truncated card number as the networks print it: "411111••••••1111". */
export function formatMaskedCard(first6: string, last4: string): string {
  return `${first6}••••••${last4}`;
}

/** A resettlement: the signed amount, and which way it moves money in words (the shared controls say which sign is which). */
export function describeResettlement(amountMinor: number, currency: string): { amount: string; hint: string } {
  if (amountMinor === 0) return { amount: formatMoney(0, currency), hint: 'nothing to resettle' };
  return { amount: `${amountMinor > 0 ? '+' : ''}${formatMoney(amountMinor, currency)}`, hint: describeDirection(resettlementDirection(amountMinor)) };
}

/** JSON text on one line without padding; the text as given if it is not JSON. */
export function compactJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return text;
  }
}

/** Where a row came from: "file.csv:12". */
export function formatSourceLine(fileName: string, lineNo: number): string {
  return `${baseName(fileName)}:${lineNo}`;
}
