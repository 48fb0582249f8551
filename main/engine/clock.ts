// The engine's one clock. Every timestamp the engine writes (runs, matches, feed files, rule
// sets, audit entries, report runs, manual actions) reads a Clock handed down from the services,
// so a pinned clock stamps all of them with the same instant.

/** Reads the time the engine stamps on what it writes. */
export type Clock = () => Date;

/** The real time: the default wherever no clock is injected (store functions called directly, tools). */
export function systemClock(): Date {
  return new Date();
}
