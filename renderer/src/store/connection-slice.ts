import { teamDatabaseUnreachableMessage } from '../../../shared/team-database';
import type { ReconSliceCreator } from './recon-state';

/** Whether the team database answers: main says when it stops and when it is back (team mode only). */
export type ConnectionSlice = {
  /** Set while the team database cannot be reached: which server, and since when (epoch ms). */
  storeOffline: { server: string; since: number } | undefined;
  noteStoreOffline: (server: string, since: number) => void;
  /** Back: everything is read again, since reads may have failed meanwhile. */
  noteStoreOnline: () => Promise<void>;
  /** Why a change must not be sent now, or undefined when it may. */
  writeRefusal: () => string | undefined;
};

export const createConnectionSlice: ReconSliceCreator<ConnectionSlice> = (set, get) => ({
  storeOffline: undefined,
  // The first time counts: a repeat while still away must not move "since".
  noteStoreOffline: (server, since) => set((state) => ({ storeOffline: state.storeOffline ?? { server, since } })),
  noteStoreOnline: async () => {
    if (get().storeOffline === undefined) return;
    set({ storeOffline: undefined });
    await get().noteStoreChanged();
  },
  writeRefusal: () => {
    const offline = get().storeOffline;
    return offline === undefined ? undefined : teamDatabaseUnreachableMessage(offline.server);
  },
});
