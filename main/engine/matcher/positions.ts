// The matcher reads its arrays by positions it computed from those same arrays, so a read outside
// one is a bug in the matcher; the type checker cannot know a position is inside, this says so once.
// Important: for plain arrays only. Typed arrays are read directly (`?? 0` where the checker needs
// a number), so that this one read site, inlined into every hot loop, sees few kinds of array.

/** The element at a position the matcher computed; throws on a position outside the array. */
export function elementAt<T>(items: readonly T[], position: number): T {
  const item = items[position];
  if (item === undefined) throw new RangeError(`the matcher read position ${position} of an array of ${items.length}`);
  return item;
}
