// Identities for the demo: cards, amounts, ids, codes and tokens. Important: the expectations
// are only exact if no two scenarios can meet by accident in a matching pass, so this factory
// makes every id, ARN and auth code unique and every (card last4, amount) pair belong to one
// scenario; a scenario that wants records to meet shares them on purpose.

import type { Network } from '../../../shared/domain';
import type { DemoRandom } from './demo-random';
import { passesLuhn } from '../../../shared/masking';

/** A test card: full PAN for the writers, and the digits the readers keep. */
export type DemoCard = { network: Network; pan: string; first6: string; last4: string };

/** Hands out unique identities; one per demo, fed by the demo's seeded stream. */
export type DemoFactory = {
  /** A card whose last4 no other scenario uses while fresh ones remain; `isExclusive` guarantees it. */
  card(network: Network, options?: { isExclusive?: boolean }): DemoCard;
  /** A fresh amount (5.00 to 2,500.00, or within min/max minor units) claimed for this card. */
  amount(card: DemoCard, range?: { min: number; max: number }): number;
  /** Claims (last4, amount) for a scenario; false when another scenario holds it already. */
  claimAmount(card: DemoCard, amountMinor: number): boolean;
  authCode(): string;
  /** Visa: 15-digit Transaction Identifier; Mastercard: the trace id. */
  networkTxnId(network: Network, date: string): string;
  /** 23 digits, the last a Luhn check digit. */
  arn(network: Network, date: string): string;
  recordId(network: Network, date: string): string;
  paymentId(localDate: string): string;
  /** An e-mail or phone token. */
  token(): string;
};

const CARD_BINS: Record<Network, readonly string[]> = {
  VISA: ['411111', '400000', '424242', '431940', '476173'],
  MASTERCARD: ['510510', '555555', '222300', '545454', '520082'],
};
const ACQUIRER_BINS: Record<Network, string> = { VISA: '7446837', MASTERCARD: '5541230' };
const FIRST_NAMES = ['ana', 'ben', 'chloe', 'dev', 'elena', 'farid', 'grace', 'hiro', 'ines', 'jamal', 'kate', 'luis'];
const LAST_NAMES = ['smith', 'garcia', 'nguyen', 'okafor', 'kowalski', 'haddad', 'berg', 'tanaka', 'silva', 'reed'];
const ALPHANUMERIC = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';

/** The Luhn check digit that completes `digits`. */
export function luhnCheckDigit(digits: string): string {
  for (let digit = 0; digit < 9; digit++) if (passesLuhn(`${digits}${digit}`)) return String(digit);
  return '9';
}

/** True when the digits pass the Luhn check. */
export function isLuhnValid(digits: string): boolean {
  return /^\d+$/.test(digits) && passesLuhn(digits);
}

/** A draw from realistic Zelle amounts: mostly small, a few near the 2,500.00 limit. */
function drawAmount(random: DemoRandom): number {
  const band = random.next();
  if (band < 0.6) return random.integer(500, 20_000);
  if (band < 0.9) return random.integer(20_000, 100_000);
  return random.integer(100_000, 250_000);
}

/** A PAN with a chosen last4: one digit before it is solved so the whole number passes Luhn. */
function panEndingWith(random: DemoRandom, bin: string, last4: string): string {
  const middle = random.characters('0123456789', 5);
  for (let digit = 0; digit <= 9; digit++) {
    const pan = `${bin}${middle}${digit}${last4}`;
    if (isLuhnValid(pan)) return pan;
  }
  throw new Error('unreachable: one digit always completes a Luhn number');
}

function compactDate(date: string): string {
  return date.replaceAll('-', '');
}

/** The factory for one demo. */
export function createDemoFactory(random: DemoRandom): DemoFactory {
  let sequence = 0;
  const usedLast4 = new Set<string>();
  const exclusiveLast4 = new Set<string>();
  const claimedAmounts = new Set<string>();
  const usedAuthCodes = new Set<string>();

  function nextSequence(): number {
    sequence += 1;
    return sequence;
  }

  // Exclusive cards (ties) come late in a demo, when a large one has used every last4 already,
  // so a few are set aside from the start.
  const reservedLast4: string[] = [];
  while (reservedLast4.length < 16) {
    const last4 = random.characters('0123456789', 4);
    if (!reservedLast4.includes(last4)) reservedLast4.push(last4);
  }
  const isReserved = (last4: string) => reservedLast4.includes(last4) || exclusiveLast4.has(last4);

  function drawLast4(isExclusive: boolean): string {
    if (isExclusive) {
      const reserved = reservedLast4.shift();
      if (reserved !== undefined) return reserved;
      for (let value = 0; value < 10_000; value++) {
        const last4 = String(value).padStart(4, '0');
        if (!usedLast4.has(last4)) return last4;
      }
      throw new Error('demo too large: no card last4 left for an exclusive card');
    }
    for (let attempt = 0; attempt < 200; attempt++) {
      const last4 = random.characters('0123456789', 4);
      if (!usedLast4.has(last4) && !isReserved(last4)) return last4;
    }
    // Large demos run out of fresh last4s; sharing one is safe because amounts stay unique per last4.
    for (;;) {
      const last4 = random.characters('0123456789', 4);
      if (!isReserved(last4)) return last4;
    }
  }

  function card(network: Network, options: { isExclusive?: boolean } = {}): DemoCard {
    const isExclusive = options.isExclusive ?? false;
    const last4 = drawLast4(isExclusive);
    usedLast4.add(last4);
    if (isExclusive) exclusiveLast4.add(last4);
    const pan = panEndingWith(random, random.pick(CARD_BINS[network]), last4);
    return { network, pan, first6: pan.slice(0, 6), last4 };
  }

  function claimAmount(card: DemoCard, amountMinor: number): boolean {
    const key = `${card.last4}:${amountMinor}`;
    if (claimedAmounts.has(key)) return false;
    claimedAmounts.add(key);
    return true;
  }

  function amount(card: DemoCard, range?: { min: number; max: number }): number {
    for (;;) {
      const drawn = range ? random.integer(range.min, range.max) : drawAmount(random);
      if (claimAmount(card, drawn)) return drawn;
    }
  }

  function authCode(): string {
    for (;;) {
      // Most approval codes are numeric; some issuers use letters too.
      const code = random.chance(0.7) ? random.characters('0123456789', 6) : random.characters(ALPHANUMERIC, 6);
      if (!usedAuthCodes.has(code)) {
        usedAuthCodes.add(code);
        return code;
      }
    }
  }

  function networkTxnId(network: Network, date: string): string {
    const unique = nextSequence();
    if (network === 'VISA') {
      return `${random.integer(1, 9)}${String(unique).padStart(8, '0')}${random.characters('0123456789', 6)}`;
    }
    const mmdd = compactDate(date).slice(4);
    return `MCC${random.characters('ABCDEFGHJKLMNPQRSTUVWXYZ', 2)}${unique.toString(36).toUpperCase().padStart(4, '0')}${mmdd}`;
  }

  function arn(network: Network, date: string): string {
    const ydddSource = new Date(`${date}T00:00:00Z`);
    const dayOfYear = Math.floor((ydddSource.getTime() - Date.UTC(ydddSource.getUTCFullYear(), 0, 1)) / 86_400_000) + 1;
    const yddd = `${ydddSource.getUTCFullYear() % 10}${String(dayOfYear).padStart(3, '0')}`;
    const payload = `${ACQUIRER_BINS[network]}${yddd}${String(nextSequence()).padStart(11, '0')}`;
    return `${payload}${luhnCheckDigit(payload)}`;
  }

  function recordId(network: Network, date: string): string {
    const prefix = network === 'VISA' ? 'V' : 'MC';
    return `${prefix}${compactDate(date)}${String(nextSequence()).padStart(7, '0')}`;
  }

  function paymentId(localDate: string): string {
    return `ZP${compactDate(localDate)}${String(nextSequence()).padStart(7, '0')}`;
  }

  function token(): string {
    if (random.chance(0.6)) {
      return `${random.pick(FIRST_NAMES)}.${random.pick(LAST_NAMES)}${random.integer(1, 99)}@example.com`;
    }
    return `+1 ${random.pick(['212', '646', '718', '917', '201'])}-555-01${random.characters('0123456789', 2)}`;
  }

  return { card, amount, claimAmount, authCode, networkTxnId, arn, recordId, paymentId, token };
}
