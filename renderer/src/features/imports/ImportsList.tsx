import { Fragment, useState } from 'react';
import type { FeedFileSummary } from '../../../../shared/ipc/recon-api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { ExpandedRow } from '../../components/ExpandedRow';
import { formatCount, formatTimestamp } from '../../format/display';
import { useReconStore } from '../../store/recon-store';

const COLUMN_COUNT = 9;

/** The files the store holds, newest first; a file with quarantined rows opens to show them. */
export function ImportsList() {
  const recentFeeds = useReconStore((state) => state.recentFeeds);
  const importsError = useReconStore((state) => state.importsError);
  const hasLoadedImports = useReconStore((state) => state.hasLoadedImports);
  const [expandedFileId, setExpandedFileId] = useState<number | undefined>(undefined);

  return (
    <section className="panel" aria-labelledby="imports-heading">
      <h2 id="imports-heading">Recent imports</h2>
      <ErrorAlert message={importsError} />
      {!hasLoadedImports ? (
        // Before the first answer nothing is known; after a failed one the alert above says so.
        importsError ? null : (
          <p className="empty" role="status">
            Loading recent imports…
          </p>
        )
      ) : recentFeeds.length === 0 ? (
        <p className="empty">No files ingested yet.</p>
      ) : (
        <div className="table-scroll">
          <table className="data-table" aria-label="Recent imports">
            <thead>
              <tr>
                <th scope="col">File</th>
                <th scope="col">Format</th>
                <th scope="col">Side</th>
                <th scope="col">Ingested at</th>
                <th scope="col" className="numeric">Read</th>
                <th scope="col" className="numeric">Stored</th>
                <th scope="col" className="numeric">Quarantined</th>
                <th scope="col" className="numeric">Out of scope</th>
                <th scope="col">
                  <span className="visually-hidden">Quarantined rows</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {recentFeeds.map((file) => (
                <Fragment key={file.id}>
                  <ImportRow
                    file={file}
                    isExpanded={expandedFileId === file.id}
                    onToggle={() => setExpandedFileId(expandedFileId === file.id ? undefined : file.id)}
                  />
                  {expandedFileId === file.id ? (
                    <ExpandedRow columnCount={COLUMN_COUNT} id={`quarantine-${file.id}`}>
                      <QuarantinedRows file={file} />
                    </ExpandedRow>
                  ) : null}
                </Fragment>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function ImportRow({ file, isExpanded, onToggle }: { file: FeedFileSummary; isExpanded: boolean; onToggle: () => void }) {
  const loadQuarantine = useReconStore((state) => state.loadQuarantine);
  function toggle() {
    // Rows are fetched every time the file opens: a later ingest cannot change them, but a stale error can clear.
    if (!isExpanded) void loadQuarantine(file.id);
    onToggle();
  }
  return (
    <tr data-testid="import-row">
      <td className="file-name" title={file.fileName}>
        {file.fileName}
      </td>
      <td>{file.format}</td>
      <td>{file.side}</td>
      <td>{formatTimestamp(file.ingestedAt)}</td>
      <td className="numeric">{formatCount(file.rowsRead)}</td>
      <td className="numeric">{formatCount(file.rowsStored)}</td>
      <td className="numeric">{formatCount(file.rowsQuarantined)}</td>
      <td className="numeric">{formatCount(file.rowsOutOfScope)}</td>
      <td>
        {file.rowsQuarantined > 0 ? (
          <button
            type="button"
            className="button-small"
            aria-expanded={isExpanded}
            aria-controls={isExpanded ? `quarantine-${file.id}` : undefined}
            aria-label={`${isExpanded ? 'Hide' : 'Show'} quarantined rows of ${file.fileName}`}
            onClick={toggle}
          >
            {isExpanded ? 'Hide rows' : 'Show rows'}
          </button>
        ) : null}
      </td>
    </tr>
  );
}

function QuarantinedRows({ file }: { file: FeedFileSummary }) {
  const view = useReconStore((state) => state.quarantineByFileId[file.id]);
  if (view === undefined || view.isLoading) return <p className="empty">Loading quarantined rows…</p>;
  if (view.error) return <ErrorAlert message={view.error} />;
  if (view.rows.length === 0) return <p className="empty">No quarantined rows.</p>;
  return (
    <>
      {file.rowsQuarantined > view.rows.length ? (
        <p className="hint">
          Showing the first {formatCount(view.rows.length)} of {formatCount(file.rowsQuarantined)} quarantined rows.
        </p>
      ) : null}
      <table className="data-table compact" aria-label={`Quarantined rows of ${file.fileName}`}>
        <thead>
          <tr>
            <th scope="col" className="numeric">Line</th>
            <th scope="col">Reason</th>
            <th scope="col">Raw</th>
          </tr>
        </thead>
        <tbody>
          {view.rows.map((row, index) => (
            <tr key={`${row.lineNo}:${index}`}>
              <td className="numeric">{row.lineNo}</td>
              <td>{row.reason}</td>
              <td>
                <code className="raw">{row.raw}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
