// The whole store's shape, so each slice can read (and its actions call) the others.

import type { StateCreator } from 'zustand';
import type { ActivitySlice } from './activity-slice';
import type { ApprovalsSlice } from './approvals-slice';
import type { AuditSlice } from './audit-slice';
import type { ConnectionSlice } from './connection-slice';
import type { ImportsSlice } from './imports-slice';
import type { ItemDetailSlice } from './item-detail-slice';
import type { IngestSlice } from './ingest-slice';
import type { ManualWorkSlice } from './manual-work-slice';
import type { MatchesSlice } from './matches-slice';
import type { MatchingSlice } from './matching-slice';
import type { QueueSlice } from './queue-slice';
import type { RulesSlice } from './rules-slice';
import type { StatusSlice } from './status-slice';
import type { TodaySlice } from './today-slice';

/** Everything the window knows and can do. */
export type ReconState = StatusSlice &
  ImportsSlice &
  IngestSlice &
  ActivitySlice &
  MatchingSlice &
  QueueSlice &
  ItemDetailSlice &
  ManualWorkSlice &
  MatchesSlice &
  RulesSlice &
  ApprovalsSlice &
  TodaySlice &
  AuditSlice &
  ConnectionSlice;

/** A slice of the one store: it sees the whole state and owns its part. */
export type ReconSliceCreator<Slice> = StateCreator<ReconState, [], [], Slice>;
