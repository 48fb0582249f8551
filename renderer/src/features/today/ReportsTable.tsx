import { REPORT_KINDS, type ReportPreview } from '../../../../shared/ipc/recon-api';
import { useReconStore } from '../../store/recon-store';
import { plural } from '../../format/display';
import { formatInZone, formatTotals, REPORT_LABELS, shortHash } from './today-format';

/**
 * Each recent closed date's reports: what they would hold (rows and totals) before they are
 * written, when and with which manifest after, what deserves a look first, and the action.
 */
export function ReportsTable({ reports, timeZone }: { reports: ReportPreview[]; timeZone: string }) {
  const writeReports = useReconStore((state) => state.writeReports);
  const isWritingReports = useReconStore((state) => state.isWritingReports);
  const kinds = REPORT_KINDS.filter((kind) => reports.some((preview) => preview.reports.some((report) => report.kind === kind)));
  return (
    <section className="panel today-reports" aria-labelledby="today-reports-heading">
      <h3 id="today-reports-heading">Reports</h3>
      <p className="hint">Before a date is written: the rows and totals each report would hold now. After: what the written set holds, when it was written and its manifest.</p>
      <div className="table-scroll">
        <table className="data-table today-reports-table" aria-label="Reports by business date">
          <thead>
            <tr>
              <th scope="col">Business date</th>
              {kinds.map((kind) => (
                <th key={kind} scope="col" className="numeric">
                  {REPORT_LABELS[kind]}
                </th>
              ))}
              <th scope="col">Written</th>
            </tr>
          </thead>
          <tbody>
            {reports.map((preview) => (
              <tr key={preview.date} data-testid="report-row" data-date={preview.date}>
                <th scope="row" className="today-date">
                  {preview.date}
                </th>
                {kinds.map((kind) => {
                  const report = preview.reports.find((entry) => entry.kind === kind);
                  return (
                    <td key={kind} className="numeric" data-testid="report-cell" data-kind={kind}>
                      {report ? (
                        <>
                          <span className="report-rows">{plural(report.rows, 'row')}</span>
                          {Object.keys(report.totals).length > 0 ? <span className="report-totals">{formatTotals(report.totals)}</span> : null}
                        </>
                      ) : (
                        '—'
                      )}
                    </td>
                  );
                })}
                <td className="today-written">
                  {preview.written ? (
                    <p className="report-written" data-testid="report-written" title={`${preview.written.folder}\nmanifest SHA-256 ${preview.written.manifestSha256}`}>
                      <span aria-hidden="true">✓ </span>
                      Written {formatInZone(preview.written.writtenAt, timeZone)}, manifest{' '}
                      <code aria-label={`SHA-256 ${preview.written.manifestSha256}`}>{shortHash(preview.written.manifestSha256)}</code>
                    </p>
                  ) : (
                    <p className="report-unwritten">Not written yet: preview</p>
                  )}
                  {preview.warnings.length > 0 ? (
                    <ul className="report-warnings" aria-label={`Before writing the reports of ${preview.date}`}>
                      {preview.warnings.map((warning) => (
                        <li key={warning}>
                          <span aria-hidden="true">⚠ </span>
                          {warning}
                        </li>
                      ))}
                    </ul>
                  ) : null}
                  <button
                    type="button"
                    className="button-small"
                    aria-label={preview.written ? `Write the reports of ${preview.date} again` : `Write the reports of ${preview.date}`}
                    aria-disabled={isWritingReports}
                    onClick={() => void (isWritingReports ? undefined : writeReports(preview.date))}
                  >
                    {preview.written ? 'Write again…' : 'Write reports…'}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
