// Which watcher tells the window of others' changes: SQLite's (data_version, polled) for a store
// file, PostgreSQL's (LISTEN/NOTIFY on a client of its own) for the team store, which also says
// when the server is lost and back.

import type { ReconEvent, StoreArea } from '../../../shared/ipc/recon-api';
import type { ReadonlyDb } from '../store/database';
import { describeServer, isTeamDatabaseUnreachable } from '../store/postgres/connection-errors';
import { isPostgresConnection } from '../store/postgres/dialect';
import { watchPostgresStoreChanges } from '../store/postgres/postgres-change-watcher';
import { watchStoreChanges, type StoreChangeWatcher } from '../store/store-change-watcher';

/** What the watch needs of the services: the window's reader, and whether our own engine writes. */
export type WatchedServices = { reader: ReadonlyDb; isBusy(): boolean };

/** A running watch, whichever the store: a failed read elsewhere may tell it the server is gone. */
export type StoreWatch = Pick<StoreChangeWatcher, 'acknowledge' | 'stop'> & {
  readFailed(error: unknown): void;
  /** False while the team server is found unreachable (a store file: always true). */
  isOnline(): boolean;
};

/**
 * Starts the watch that suits the store and sends its news as the window's events: `store-changed`
 * with the parts that changed, and on the team store `store-offline` / `store-online`.
 * `databaseUrl` is the team store's URL as the workstation connects, password included (the
 * watcher's own client signs in with it), or undefined for a store file.
 */
export function startStoreWatch(
  services: WatchedServices,
  databaseUrl: string | undefined,
  tell: (event: ReconEvent) => void,
  log: (message: string) => void,
  intervalMs?: number,
): StoreWatch {
  const onChange = (areas: StoreArea[]): void => tell({ type: 'store-changed', areas });
  const isPaused = (): boolean => services.isBusy();
  const onError = (error: Error): void => log(`Looking for changes to the store failed: ${error.message}`);
  const url = databaseUrl;
  if (url !== undefined && isPostgresConnection(services.reader)) {
    const server = describeServer(url);
    let offlineSince: number | undefined;
    const watcher = watchPostgresStoreChanges(url, services.reader, onChange, {
      isPaused,
      onError,
      onOffline(reason) {
        offlineSince = Date.now();
        log(`The team database at ${server} cannot be reached: ${reason}`);
        tell({ type: 'store-offline', server, since: offlineSince });
      },
      onOnline() {
        offlineSince = undefined;
        log(`The team database at ${server} answers again.`);
        tell({ type: 'store-online' });
      },
    });
    return {
      acknowledge: () => watcher.acknowledge(),
      stop: () => watcher.stop(),
      isOnline: () => watcher.isOnline,
      readFailed(error) {
        // Already away: said again, with the same time, for a window that opened since (its
        // first read failed) and never heard it; a window that did keeps its banner as it is.
        if (offlineSince !== undefined && isTeamDatabaseUnreachable(error)) tell({ type: 'store-offline', server, since: offlineSince });
        else watcher.readFailed(error);
      },
    };
  }
  const watcher = watchStoreChanges(services.reader, onChange, { ...(intervalMs === undefined ? {} : { intervalMs }), isPaused, onError });
  return { acknowledge: () => watcher.acknowledge(), stop: () => watcher.stop(), readFailed: () => undefined, isOnline: () => true };
}
