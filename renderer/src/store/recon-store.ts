// The window's one store, built from slices (one per file). Components select single fields;
// every change goes through an action's `set`.

import { create } from 'zustand';
import type { ReconApi, ReconEvent } from '../../../shared/ipc/recon-api';
import { createActivitySlice } from './activity-slice';
import { createImportsSlice } from './imports-slice';
import { createIngestSlice } from './ingest-slice';
import { createItemDetailSlice } from './item-detail-slice';
import { createMatchingSlice } from './matching-slice';
import { createQueueSlice } from './queue-slice';
import type { ReconState } from './recon-state';
import { createStatusSlice } from './status-slice';

/** The store hook: `useReconStore((state) => state.status)`. */
export const useReconStore = create<ReconState>()((...parts) => ({
  ...createStatusSlice(...parts),
  ...createImportsSlice(...parts),
  ...createIngestSlice(...parts),
  ...createActivitySlice(...parts),
  ...createMatchingSlice(...parts),
  ...createQueueSlice(...parts),
  ...createItemDetailSlice(...parts),
}));

/** Applies one of main's unasked-for events to the store. */
export function handleReconEvent(event: ReconEvent): void {
  const store = useReconStore.getState();
  switch (event.type) {
    case 'inbox-outcome':
      store.addOutcomes('inbox', [event.outcome]);
      void store.refreshStatus();
      void store.refreshImports();
      return;
    case 'matching-progress':
      store.noteMatchingProgress(event.progress);
      return;
    case 'reports-written':
      store.noteReportsWritten(event.reports);
      return;
    case 'store-changed':
      void store.refreshStatus();
      void store.refreshImports();
      // Only a queue the associate has opened is worth reloading.
      if (store.queueGeneration > 0) void store.reloadQueue();
      // The open item may have been matched, closed or re-explained: show it as it is now.
      if (store.selectedItemId !== undefined) void store.reloadItem();
      return;
  }
}

/** Listens to main's events and loads what the first screen shows; returns the function that stops listening. */
export function connectStore(api: ReconApi): () => void {
  const stopListening = api.onEvent(handleReconEvent);
  const store = useReconStore.getState();
  void store.refreshStatus();
  void store.refreshImports();
  return stopListening;
}
