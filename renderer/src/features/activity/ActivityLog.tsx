import { IngestOutcomeLine } from '../../components/IngestOutcomeLine';
import { formatEpoch } from '../../format/display';
import { useReconStore } from '../../store/recon-store';

const SOURCE_LABELS = { drop: 'drop', inbox: 'inbox', app: 'app' } as const;

/** The session's log: every file's outcome (dropped or from the watched inbox) and what the window did. */
export function ActivityLog() {
  const activity = useReconStore((state) => state.activity);
  return (
    <section className="panel" aria-labelledby="activity-heading">
      <h2 id="activity-heading">Activity</h2>
      {activity.length === 0 ? (
        <p className="empty">Nothing yet in this session. Files dropped here or into the inbox folder appear in this log.</p>
      ) : (
        // Important: entries use their own test id; `ingest-outcome` belongs to the drop zone's rows only.
        <ol className="activity-list" aria-label="Activity log">
          {activity.map((entry) => (
            <li
              key={entry.id}
              className={`activity-entry${entry.kind === 'message' && entry.isError ? ' is-error' : ''}`}
              data-testid="activity-entry"
              data-source={entry.source}
              data-status={entry.kind === 'outcome' ? entry.outcome.status : undefined}
            >
              <time className="activity-time" dateTime={new Date(entry.at).toISOString()}>
                {formatEpoch(entry.at)}
              </time>
              <span className={`source source-${entry.source}`}>{SOURCE_LABELS[entry.source]}</span>
              {entry.kind === 'outcome' ? <IngestOutcomeLine outcome={entry.outcome} /> : <span>{entry.text}</span>}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
