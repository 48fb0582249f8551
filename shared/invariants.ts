// What the code has made sure of but the type checker cannot see: a row it has just read or
// written, the id column an item's side fills, the first record of a pairing that has at least
// one. A miss is a bug, not bad input, so it throws at once, naming what was missing, instead of
// carrying `undefined` on to fail somewhere unrelated (which a `!` would do).

/** `value` when it is neither undefined nor null; otherwise throws "<what> is missing" (a broken invariant). */
export function expectPresent<T>(value: T | null | undefined, what: string): T {
  if (value === undefined || value === null) throw new Error(`${what} is missing`);
  return value;
}
