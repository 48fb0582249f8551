// A small seeded PRNG for the demo feeds: the same seed must give the same files byte for byte,
// so nothing here may touch Math.random or the clock.

/** A deterministic stream of pseudo-random numbers. */
export type DemoRandom = {
  /** A number in [0, 1). */
  next(): number;
  /** An integer from min to max, both included. */
  integer(min: number, max: number): number;
  /** True with the given probability. */
  chance(probability: number): boolean;
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
  /** `length` characters drawn from `alphabet`. */
  characters(alphabet: string, length: number): string;
};

/** mulberry32: 32 bits of state, good enough spread for test data, and trivially reproducible. */
export function createRandom(seed: number): DemoRandom {
  let state = seed >>> 0;

  function next(): number {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  }

  function integer(min: number, max: number): number {
    return min + Math.floor(next() * (max - min + 1));
  }

  function pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('cannot pick from an empty list');
    return items[integer(0, items.length - 1)] as T;
  }

  function characters(alphabet: string, length: number): string {
    let text = '';
    for (let index = 0; index < length; index++) text += alphabet[integer(0, alphabet.length - 1)];
    return text;
  }

  return { next, integer, chance: (probability) => next() < probability, pick, characters };
}
