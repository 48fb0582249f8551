// How the Today board words times, zones, countdowns and totals. Times of the business day are
// shown in the bank's zone (the rules'), not the associate's, and always name it.

import type { FeedSourceName, OpenItemCategory, ReportKind } from '../../../../shared/ipc/recon-api';
import { formatDecimalAmount, formatEpoch } from '../../format/display';

/** The networks and the ledger as people name them. */
export const SOURCE_LABELS: Record<FeedSourceName, string> = { VISA: 'Visa', MASTERCARD: 'Mastercard', ZELLE: 'Zelle' };

/** The reports as people name them. */
export const REPORT_LABELS: Record<ReportKind, string> = {
  matches: 'Matches',
  mismatches: 'Mismatches',
  global_finance: 'Global finance',
  adjustments: 'Adjustments',
};

/** The categories as people name them. */
export const CATEGORY_LABELS: Record<OpenItemCategory, string> = { MISMATCH: 'Mismatch', GLOBAL_FINANCE: 'Global finance' };

/** "New York time" for America/New_York: the zone's city, which a person recognises more readily than its IANA name. */
export function zoneLabel(timeZone: string): string {
  const city = timeZone.slice(timeZone.lastIndexOf('/') + 1).replace(/_/g, ' ');
  return `${city} time`;
}

/** An instant as "2026-12-05 20:00 EST" in a zone, with the zone's short name (the board needs no seconds). */
export function formatInZone(iso: string, timeZone: string): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return iso;
  const withSeconds = formatEpoch(at, timeZone);
  // "YYYY-MM-DD HH:MM:SS ZONE" without ":SS".
  return `${withSeconds.slice(0, 16)}${withSeconds.slice(19)}`;
}

/** Only the time of day of an instant in a zone, with the zone's short name: "20:00 EST". */
export function formatTimeInZone(iso: string, timeZone: string): string {
  return formatInZone(iso, timeZone).slice('YYYY-MM-DD '.length);
}

/** The time left until an instant, in words: "in 3 h 12 min", "in 45 min", "in less than a minute"; "now" once it has come. */
export function formatCountdown(remainingMs: number): string {
  if (remainingMs <= 0) return 'now';
  const minutes = Math.floor(remainingMs / 60_000);
  if (minutes === 0) return 'in less than a minute';
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours === 0) return `in ${rest} min`;
  return rest === 0 ? `in ${hours} h` : `in ${hours} h ${rest} min`;
}

/** Amount totals per currency on one line, currencies in order: "461.86 CAD, 12,816.56 USD"; "" when there are none. */
export function formatTotals(totals: Record<string, string>): string {
  return totalsInOrder(totals)
    .map(([currency, amount]) => formatDecimalAmount(amount, currency))
    .join(', ');
}

/** Amount totals as `[currency, amount]` pairs, currencies in order. */
export function totalsInOrder(totals: Record<string, string>): [currency: string, amount: string][] {
  return Object.entries(totals).sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0));
}

/** The first 8 hex digits of a hash, enough to tell two manifests apart at a glance. */
export function shortHash(hash: string): string {
  return `${hash.slice(0, 8)}…`;
}
