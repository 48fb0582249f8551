// What the window and the engine say when the team database (PostgreSQL, issue 13) cannot be
// reached: written once, so the refusal the window gives before sending and the engine's own
// error after a lost connection read the same.

/** The sentence for a read or a change that found the team database at `server` (host:port) unreachable. */
export function teamDatabaseUnreachableMessage(server: string): string {
  return `The team database at ${server} cannot be reached: nothing was read or changed. Try again once it is back.`;
}

/** The banner's sentence while the team database at `server` has not answered since `since` (the local time, HH:MM). */
export function teamDatabaseOfflineNotice(server: string, since: string): string {
  return `The team database at ${server} has not answered since ${since}. The window shows what it last read; nothing can be changed until it is back.`;
}
