import { ErrorAlert } from '../../components/ErrorAlert';
import { formatCount } from '../../format/display';
import { useReconStore } from '../../store/recon-store';
import { TeamDatabaseSection } from './TeamDatabaseSection';

/** The workstation at a glance: what the store holds, where things live, whether the inbox is watched. */
export function StatusPanel() {
  const status = useReconStore((state) => state.status);
  const statusError = useReconStore((state) => state.statusError);
  const refreshStatus = useReconStore((state) => state.refreshStatus);
  const isStatusLoading = useReconStore((state) => state.isStatusLoading);

  return (
    <section className="panel" aria-labelledby="status-heading">
      <div className="panel-header">
        <h2 id="status-heading">Status</h2>
        <p className="hint status-refreshing" role="status">
          {isStatusLoading && status !== undefined ? 'Refreshing…' : ''}
        </p>
        {/* aria-disabled, not disabled: a disabled button would drop the focus of whoever pressed it. */}
        <button type="button" aria-disabled={isStatusLoading} aria-busy={isStatusLoading} onClick={() => void (isStatusLoading ? undefined : refreshStatus())}>
          Refresh status
        </button>
      </div>
      <ErrorAlert message={statusError} />
      {status === undefined ? (
        <p className="empty">Reading the workstation&apos;s status…</p>
      ) : (
        <>
          <div className="status-grid">
            <dl className="facts" aria-label="Store counts">
              <Fact label="Network records in scope" value={formatCount(status.store.networkRecords.inScope)} />
              <Fact label="Network records out of scope" value={formatCount(status.store.networkRecords.outOfScope)} />
              <Fact label="Ledger payments" value={formatCount(status.store.ledgerPayments)} />
              <Fact label="Matches" value={formatCount(status.store.matches.total)} />
              <Fact label="Quarantined rows" value={formatCount(status.store.quarantinedRows)} />
              <Fact label="Last run date" value={status.store.lastRunDate ?? 'No run yet'} />
              <Fact label="Rule set version" value={status.store.ruleSetVersion === undefined ? 'None' : String(status.store.ruleSetVersion)} />
            </dl>
            <dl className="facts" aria-label="Folders">
              <Fact label="Database" value={status.databasePath} isPath />
              <Fact label="Reports folder" value={status.reportsFolder} isPath />
              <Fact label="Inbox folder" value={status.inbox.folder} isPath />
              <Fact label="Inbox watched" value={status.inbox.isWatching ? 'Yes' : 'No'} />
            </dl>
          </div>
          {status.inbox.problem ? (
            <p className="warning" role="alert">
              Inbox: {status.inbox.problem}
            </p>
          ) : null}
          <TeamDatabaseSection />
          <h3>Open items</h3>
          {status.store.openItems.length === 0 ? (
            <p className="empty">No open items.</p>
          ) : (
            <table className="data-table compact" aria-label="Open items by category and reason">
              <thead>
                <tr>
                  <th scope="col">Category</th>
                  <th scope="col">Reason</th>
                  <th scope="col" className="numeric">
                    Items
                  </th>
                </tr>
              </thead>
              <tbody>
                {status.store.openItems.map((group) => (
                  <tr key={`${group.category}:${group.reason}`}>
                    <td>{group.category}</td>
                    <td>{group.reason}</td>
                    <td className="numeric">{formatCount(group.items)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {Object.keys(status.store.matches.byKind).length > 0 ? (
            <>
              <h3>Matches by kind</h3>
              <table className="data-table compact" aria-label="Matches by kind">
                <tbody>
                  {Object.entries(status.store.matches.byKind).map(([kind, count]) => (
                    <tr key={kind}>
                      <th scope="row">{kind}</th>
                      <td className="numeric">{formatCount(count)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          ) : null}
        </>
      )}
    </section>
  );
}

function Fact({ label, value, isPath = false }: { label: string; value: string; isPath?: boolean }) {
  return (
    <div className="fact">
      <dt>{label}</dt>
      <dd className={isPath ? 'path' : undefined}>{value}</dd>
    </div>
  );
}
