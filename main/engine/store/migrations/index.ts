import { initialSchema } from './001-initial';
import { queueAndOpenIndexes } from './002-queue-and-open-indexes';
import { dropUnusedPaymentIndexes } from './003-drop-unused-payment-indexes';
import { queueLargestFirst } from './004-queue-largest-first';
import { manualWork } from './005-manual-work';
import { unpairedPairs } from './006-unpaired-pairs';
import { dayCloseAndControls } from './007-day-close-and-controls';
import { todayIndexes } from './008-today-indexes';
import { leases } from './009-leases';
import { candidateIdsAsJson } from './010-candidate-ids-json';
import { queueNetwork } from './011-queue-network';
import { ruleChanges } from './012-rule-changes';
import { matchesViewIndexes } from './013-matches-view-indexes';
import { searchIndex } from './014-search-index';
import { leanSearchIndex } from './015-lean-search-index';
import { searchKeys } from './016-search-keys';
import { queueCounts } from './017-queue-counts';
import { changeNotices } from './018-change-notices';
import { queueCountsPerStatement } from './019-queue-counts-per-statement';
import { searchPendingFiles } from './020-search-pending-files';
import { keyedStarts } from './021-keyed-starts';
import { amountKeys } from './022-amount-keys';
import { queueRanges } from './023-queue-ranges';
import type { WritableDb } from '../database';

/** A schema step: SQL, or a function for a step that must compute in JavaScript (hashes, a table's indexes to put back). */
export type Migration = string | ((db: WritableDb) => void);

/** The schema versions in order: entry i brings a database from user_version i to i + 1. */
export const MIGRATIONS: readonly Migration[] = [
  initialSchema,
  queueAndOpenIndexes,
  dropUnusedPaymentIndexes,
  queueLargestFirst,
  manualWork,
  unpairedPairs,
  dayCloseAndControls,
  todayIndexes,
  leases,
  candidateIdsAsJson,
  queueNetwork,
  ruleChanges,
  matchesViewIndexes,
  searchIndex,
  leanSearchIndex,
  searchKeys,
  queueCounts,
  changeNotices,
  queueCountsPerStatement,
  searchPendingFiles,
  keyedStarts,
  amountKeys,
  queueRanges,
];

/** The schema version this build of the app writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;
