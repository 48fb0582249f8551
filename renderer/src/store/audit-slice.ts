import type { AuditEntryView, AuditVerification } from '../../../shared/ipc/recon-api';
import { errorMessage, getReconApi, unwrapReply } from '../api/recon-bridge';
import type { ReconSliceCreator } from './recon-state';

/** How many entries one page of the Audit view shows. */
export const AUDIT_PAGE_SIZE = 50;

/** Which entries the Audit view shows: a UTC date range, one associate, one subject; empty fields are left out. */
export type AuditFilterInput = { since?: string; until?: string; actor?: string; subjectType?: string; subjectId?: string };

/** The Audit view: a filtered page of the log (newest first), the chain check, the CSV export. */
export type AuditSlice = {
  auditFilter: AuditFilterInput;
  auditEntries: AuditEntryView[];
  auditTotal: number | undefined;
  auditOffset: number;
  isAuditLoading: boolean;
  auditError: string | undefined;
  /** Bumped by every page request, so an older reply never overwrites a newer one. */
  auditGeneration: number;
  auditVerification: AuditVerification | undefined;
  isAuditVerifying: boolean;
  auditVerifyError: string | undefined;
  isAuditExporting: boolean;
  auditExportError: string | undefined;
  /** Shows the first page of another filter. */
  filterAudit: (filter: AuditFilterInput) => Promise<void>;
  /** Shows the page starting at `offset` of the current filter (also the reload after a change). */
  loadAuditPage: (offset: number) => Promise<void>;
  /** Recomputes the hash chain in the engine. */
  verifyAudit: () => Promise<void>;
  /** The current filter's CSV and the file name to save it under, or undefined when it failed (the error is in the slice). */
  exportAudit: () => Promise<{ fileName: string; csv: string } | undefined>;
};

/** The filter without empty or blank fields, as the contract takes it. */
export function cleanAuditFilter(filter: AuditFilterInput): AuditFilterInput {
  const clean: AuditFilterInput = {};
  for (const key of ['since', 'until', 'actor', 'subjectType', 'subjectId'] as const) {
    const value = filter[key]?.trim();
    if (value) clean[key] = value;
  }
  return clean;
}

export const createAuditSlice: ReconSliceCreator<AuditSlice> = (set, get) => ({
  auditFilter: {},
  auditEntries: [],
  auditTotal: undefined,
  auditOffset: 0,
  isAuditLoading: false,
  auditError: undefined,
  auditGeneration: 0,
  auditVerification: undefined,
  isAuditVerifying: false,
  auditVerifyError: undefined,
  isAuditExporting: false,
  auditExportError: undefined,
  filterAudit: async (filter) => {
    set({ auditFilter: cleanAuditFilter(filter) });
    await get().loadAuditPage(0);
  },
  loadAuditPage: async (offset) => {
    const generation = get().auditGeneration + 1;
    set({ auditGeneration: generation, isAuditLoading: true });
    const isCurrent = () => get().auditGeneration === generation;
    try {
      const page = unwrapReply(await getReconApi().readAudit({ ...get().auditFilter, offset, limit: AUDIT_PAGE_SIZE }));
      if (isCurrent()) set({ auditEntries: page.entries, auditTotal: page.total, auditOffset: offset, auditError: undefined });
    } catch (error) {
      if (isCurrent()) set({ auditError: errorMessage(error) });
    } finally {
      if (isCurrent()) set({ isAuditLoading: false });
    }
  },
  verifyAudit: async () => {
    if (get().isAuditVerifying) return;
    set({ isAuditVerifying: true, auditVerifyError: undefined });
    try {
      set({ auditVerification: unwrapReply(await getReconApi().verifyAudit({})) });
      // The check reads the file as it is now; so does the table, or it could show an entry as
      // it was before someone changed it.
      void get().loadAuditPage(get().auditOffset);
    } catch (error) {
      set({ auditVerification: undefined, auditVerifyError: errorMessage(error) });
    } finally {
      set({ isAuditVerifying: false });
    }
  },
  exportAudit: async () => {
    if (get().isAuditExporting) return undefined;
    set({ isAuditExporting: true, auditExportError: undefined });
    try {
      return unwrapReply(await getReconApi().exportAudit(get().auditFilter));
    } catch (error) {
      set({ auditExportError: errorMessage(error) });
      return undefined;
    } finally {
      set({ isAuditExporting: false });
    }
  },
});
