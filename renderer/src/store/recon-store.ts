// The window's one store, built from slices (one per file). Components select single fields;
// every change goes through an action's `set`.

import { create } from 'zustand';
import type { ReconApi, ReconEvent } from '../../../shared/ipc/recon-api';
import { createActivitySlice } from './activity-slice';
import { createApprovalsSlice } from './approvals-slice';
import { createAuditSlice } from './audit-slice';
import { createConnectionSlice } from './connection-slice';
import { createImportsSlice } from './imports-slice';
import { createIngestSlice } from './ingest-slice';
import { createItemDetailSlice } from './item-detail-slice';
import { createManualWorkSlice } from './manual-work-slice';
import { createMatchesSlice } from './matches-slice';
import { createMatchingSlice } from './matching-slice';
import { createQueueSlice } from './queue-slice';
import type { ReconState } from './recon-state';
import { createRulesSlice } from './rules-slice';
import { createStatusSlice } from './status-slice';
import { createTodaySlice } from './today-slice';

/** The store hook: `useReconStore((state) => state.status)`. */
export const useReconStore = create<ReconState>()((...parts) => ({
  ...createStatusSlice(...parts),
  ...createImportsSlice(...parts),
  ...createIngestSlice(...parts),
  ...createActivitySlice(...parts),
  ...createMatchingSlice(...parts),
  ...createQueueSlice(...parts),
  ...createItemDetailSlice(...parts),
  ...createManualWorkSlice(...parts),
  ...createMatchesSlice(...parts),
  ...createRulesSlice(...parts),
  ...createApprovalsSlice(...parts),
  ...createTodaySlice(...parts),
  ...createAuditSlice(...parts),
  ...createConnectionSlice(...parts),
}));

/** Applies one of main's unasked-for events to the store. */
export function handleReconEvent(event: ReconEvent): void {
  const store = useReconStore.getState();
  switch (event.type) {
    case 'inbox-outcome':
      // Main follows each inbox outcome with `store-changed`, whose reload shows the new file.
      store.addOutcomes('inbox', [event.outcome]);
      return;
    case 'matching-progress':
      store.noteMatchingProgress(event.progress);
      return;
    case 'reports-written':
      store.noteReportsWritten(event.reports);
      // The board shows each date's written manifest.
      if (store.todayViewers > 0) void store.refreshToday();
      return;
    case 'store-changed':
      // Status, imports, the opened queue and matches, the open item and the undo button, once per
      // burst; only the lists of the parts named, when another process's change names them.
      void store.noteStoreChanged(event.areas);
      return;
    case 'store-offline':
      store.noteStoreOffline(event.server, event.since);
      return;
    case 'store-online':
      void store.noteStoreOnline();
      return;
  }
}

/** Listens to main's events and loads what the first screen shows; returns the function that stops listening. */
export function connectStore(api: ReconApi): () => void {
  const stopListening = api.onEvent(handleReconEvent);
  const store = useReconStore.getState();
  void store.refreshStatus();
  void store.refreshImports();
  void store.refreshLastManualAction();
  void store.refreshRules();
  void store.refreshApprovals();
  return stopListening;
}
