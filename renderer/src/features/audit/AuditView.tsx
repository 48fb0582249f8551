import { type FormEvent, Fragment, useEffect, useMemo, useRef, useState } from 'react';
import type { AuditEntryView, AuditVerification } from '../../../../shared/ipc/recon-api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { ExpandedRow } from '../../components/ExpandedRow';
import { formatCount } from '../../format/display';
import { AUDIT_PAGE_SIZE, type AuditFilterInput } from '../../store/audit-slice';
import { useReconStore } from '../../store/recon-store';
import { describeAuditEntry, formatInstantWithZone } from './describe-entry';
import { downloadTextFile } from './download-file';

/** The subjects the log's entries concern, as the filter offers them. */
const SUBJECT_TYPES: { value: string; label: string }[] = [
  { value: '', label: 'Any subject' },
  { value: 'item', label: 'Item' },
  { value: 'match', label: 'Match' },
  { value: 'match_run', label: 'Matching run' },
  { value: 'ledger_payment', label: 'Ledger payment' },
  { value: 'feed_file', label: 'Feed file' },
  { value: 'rule_set', label: 'Rule set' },
];

/** How many columns an entry row has, so its expanded row can span them. */
const COLUMN_COUNT = 7;

/**
 * The audit log: who did what to which subject, filtered by date, associate and subject, a page
 * at a time (newest first); proof that the hash chain holds, and the filter's CSV.
 */
export function AuditView() {
  const entries = useReconStore((state) => state.auditEntries);
  const total = useReconStore((state) => state.auditTotal);
  const offset = useReconStore((state) => state.auditOffset);
  const isLoading = useReconStore((state) => state.isAuditLoading);
  const error = useReconStore((state) => state.auditError);
  const filterAudit = useReconStore((state) => state.filterAudit);
  const loadAuditPage = useReconStore((state) => state.loadAuditPage);
  const storeChanges = useReconStore((state) => state.storeChanges);
  const verification = useReconStore((state) => state.auditVerification);
  const brokenAt = verification && !verification.intact ? verification.brokenAt : undefined;
  const [expandedId, setExpandedId] = useState<number | undefined>(undefined);
  const seenChanges = useRef(storeChanges);

  useEffect(() => {
    // Opening the view shows the filter it had, from its newest entries.
    void filterAudit(useReconStore.getState().auditFilter);
  }, [filterAudit]);

  useEffect(() => {
    // New entries arrive with every change to the store: reload the page in place.
    if (storeChanges === seenChanges.current) return;
    seenChanges.current = storeChanges;
    void loadAuditPage(useReconStore.getState().auditOffset);
  }, [storeChanges, loadAuditPage]);

  const first = total === 0 ? 0 : offset + 1;
  const last = offset + entries.length;

  return (
    <section className="panel audit-view" aria-labelledby="audit-heading" aria-busy={isLoading}>
      <div className="panel-header">
        <h2 id="audit-heading">Audit log</h2>
        {total !== undefined ? (
          <p className="queue-total" data-testid="audit-total">
            {total === 0 ? 'No entries' : `Entries ${formatCount(first)}–${formatCount(last)} of ${formatCount(total)}, newest first`}
          </p>
        ) : null}
      </div>
      <ChainCheck />
      <AuditFilterForm />
      <ErrorAlert message={error} />
      {total === 0 ? <p className="empty">No audit entries match this filter.</p> : null}
      {entries.length > 0 ? (
        <div className="table-scroll">
          <table className="data-table audit-table" aria-label="Audit entries">
            <thead>
              <tr>
                {/* Details first: the table can be wider than the window, and the toggle must not scroll out of view. */}
                <th scope="col">
                  <span className="visually-hidden">Details</span>
                </th>
                <th scope="col" className="numeric">
                  Entry
                </th>
                <th scope="col">Time</th>
                <th scope="col">Associate</th>
                <th scope="col">Action</th>
                <th scope="col">Subject</th>
                <th scope="col">What changed</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => (
                <Fragment key={entry.id}>
                  <AuditRow
                    entry={entry}
                    isBroken={entry.id === brokenAt}
                    isExpanded={expandedId === entry.id}
                    onToggle={() => setExpandedId((current) => (current === entry.id ? undefined : entry.id))}
                  />
                  {expandedId === entry.id ? (
                    <ExpandedRow columnCount={COLUMN_COUNT} id={`audit-entry-${entry.id}`}>
                      <AuditEntryDetails entry={entry} />
                    </ExpandedRow>
                  ) : null}
                </Fragment>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {total !== undefined && total > AUDIT_PAGE_SIZE ? (
        <div className="pager">
          <button type="button" disabled={isLoading || offset === 0} onClick={() => void loadAuditPage(Math.max(0, offset - AUDIT_PAGE_SIZE))}>
            Newer
          </button>
          <button type="button" disabled={isLoading || last >= total} onClick={() => void loadAuditPage(offset + AUDIT_PAGE_SIZE)}>
            Older
          </button>
        </div>
      ) : null}
      {isLoading ? (
        <p className="hint" role="status">
          Loading audit entries…
        </p>
      ) : null}
    </section>
  );
}

/** "Verify the chain" and what it found, said where nobody can miss it. */
function ChainCheck() {
  const verification = useReconStore((state) => state.auditVerification);
  const isVerifying = useReconStore((state) => state.isAuditVerifying);
  const verifyError = useReconStore((state) => state.auditVerifyError);
  const verifyAudit = useReconStore((state) => state.verifyAudit);
  const [checkedAt, setCheckedAt] = useState<string | undefined>(undefined);

  async function verify() {
    await verifyAudit();
    setCheckedAt(new Date().toISOString());
  }

  return (
    <div className="audit-chain">
      <div className="audit-chain-actions">
        <button type="button" className="button-primary" disabled={isVerifying} onClick={() => void verify()}>
          {isVerifying ? 'Verifying…' : 'Verify the chain'}
        </button>
        <p className="hint">Recomputes every entry&apos;s hash from the first: an entry changed or deleted outside the app breaks the chain there.</p>
      </div>
      {verification ? <Verdict verification={verification} checkedAt={checkedAt} /> : null}
      <ErrorAlert message={verifyError} />
    </div>
  );
}

function Verdict({ verification, checkedAt }: { verification: AuditVerification; checkedAt: string | undefined }) {
  const when = checkedAt ? ` Checked ${formatInstantWithZone(checkedAt)}.` : '';
  if (verification.intact) {
    return (
      <div className="audit-verdict is-intact" role="status" data-testid="audit-verdict" data-intact="true">
        <p className="audit-verdict-headline">Intact: {formatCount(verification.entries)} {verification.entries === 1 ? 'entry' : 'entries'}</p>
        <p className="audit-verdict-detail">
          {verification.lastHash ? (
            <>
              Last hash <code title={verification.lastHash}>{verification.lastHash}</code>: keep it to prove later that no entry was removed from the end.
            </>
          ) : (
            'The log is empty.'
          )}
          {when}
        </p>
      </div>
    );
  }
  return (
    <div className="audit-verdict is-broken" role="alert" data-testid="audit-verdict" data-intact="false">
      <p className="audit-verdict-headline">
        Broken at entry {formatCount(verification.brokenAt)}: {verification.problem}
      </p>
      <p className="audit-verdict-detail">
        Entries before it hold. The database was edited outside the app: keep the file as it is and tell whoever answers for the
        workstation&apos;s controls.{when}
      </p>
    </div>
  );
}

/** The filter: a UTC date range, one associate, one subject (type and id); with Export CSV beside it. */
function AuditFilterForm() {
  const applied = useReconStore((state) => state.auditFilter);
  const filterAudit = useReconStore((state) => state.filterAudit);
  const exportAudit = useReconStore((state) => state.exportAudit);
  const isExporting = useReconStore((state) => state.isAuditExporting);
  const exportError = useReconStore((state) => state.auditExportError);
  const [draft, setDraft] = useState<AuditFilterInput>(applied);
  const change = (field: keyof AuditFilterInput) => (event: { currentTarget: { value: string } }) => {
    const value = event.currentTarget.value;
    setDraft((current) => ({ ...current, [field]: value }));
  };

  async function apply(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    await filterAudit(draft);
  }

  async function download() {
    // The export is of the filter shown, not of what is typed and not yet applied.
    const file = await exportAudit();
    if (file) downloadTextFile(file.fileName, file.csv);
  }

  return (
    <>
      <form className="inline-form audit-filter" aria-label="Audit filter" onSubmit={(event) => void apply(event)}>
        <label>
          From (UTC)
          <input type="date" value={draft.since ?? ''} onChange={change('since')} />
        </label>
        <label>
          To (UTC)
          <input type="date" value={draft.until ?? ''} onChange={change('until')} />
        </label>
        <label>
          Associate
          <input type="text" value={draft.actor ?? ''} maxLength={200} placeholder="anyone" onChange={change('actor')} />
        </label>
        <label>
          Subject
          <select value={draft.subjectType ?? ''} onChange={change('subjectType')}>
            {SUBJECT_TYPES.map((subject) => (
              <option key={subject.value} value={subject.value}>
                {subject.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Subject id
          <input type="text" value={draft.subjectId ?? ''} maxLength={200} placeholder="e.g. 42" onChange={change('subjectId')} />
        </label>
        <button type="submit" className="button-primary">
          Apply
        </button>
        <button
          type="button"
          onClick={() => {
            setDraft({});
            void filterAudit({});
          }}
        >
          Clear
        </button>
        <button type="button" disabled={isExporting} onClick={() => void download()}>
          {isExporting ? 'Exporting…' : 'Export CSV'}
        </button>
      </form>
      <ErrorAlert message={exportError} />
    </>
  );
}

function subjectLabel(entry: AuditEntryView): string {
  const name = SUBJECT_TYPES.find((subject) => subject.value === entry.subjectType)?.label.toLowerCase() ?? entry.subjectType;
  // A file's subject is its SHA-256: the start is enough to tell files apart on screen.
  const id = entry.subjectType === 'feed_file' && entry.subjectId.length > 16 ? `${entry.subjectId.slice(0, 12)}…` : entry.subjectId;
  return `${name} ${id}`;
}

function AuditRow({ entry, isBroken, isExpanded, onToggle }: { entry: AuditEntryView; isBroken: boolean; isExpanded: boolean; onToggle: () => void }) {
  // A run's entry at a million records holds megabytes of ids: read it once per entry, not per render.
  const { summary } = useMemo(() => describeAuditEntry(entry), [entry]);
  return (
    <tr data-testid="audit-row" data-entry-id={entry.id} data-broken={isBroken || undefined} className={isBroken ? 'is-broken-entry' : undefined}>
      <td>
        <button
          type="button"
          className="button-small"
          aria-expanded={isExpanded}
          aria-controls={isExpanded ? `audit-entry-${entry.id}` : undefined}
          aria-label={`${isExpanded ? 'Hide' : 'Show'} the details of entry ${entry.id}`}
          onClick={onToggle}
        >
          {isExpanded ? 'Hide' : 'Details'}
        </button>
      </td>
      <td className="numeric">{entry.id}</td>
      <td className="audit-time">
        <time dateTime={entry.at} title={entry.at}>
          {formatInstantWithZone(entry.at)}
        </time>
      </td>
      <td>{entry.actor}</td>
      <td>
        <code>{entry.action}</code>
      </td>
      <td title={`${entry.subjectType}:${entry.subjectId}`}>{subjectLabel(entry)}</td>
      <td className="audit-summary">{summary}</td>
    </tr>
  );
}

function AuditEntryDetails({ entry }: { entry: AuditEntryView }) {
  const { changes } = describeAuditEntry(entry);
  return (
    <div className="audit-details" data-testid="audit-details">
      {changes.length > 0 ? (
        <table className="data-table compact" aria-label={`What entry ${entry.id} changed`}>
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">Before</th>
              <th scope="col">After</th>
            </tr>
          </thead>
          <tbody>
            {changes.map((change) => (
              <tr key={change.field}>
                <td>{change.field}</td>
                <td>{change.before ?? '—'}</td>
                <td>{change.after ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="empty">No values recorded.</p>
      )}
      <p className="hint">
        Subject {entry.subjectType}:{entry.subjectId}. Chain hash <code>{entry.hash}</code>. Export the CSV for the full before and after.
      </p>
    </div>
  );
}
