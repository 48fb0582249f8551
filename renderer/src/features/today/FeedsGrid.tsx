import type { TodayBoard } from '../../../../shared/ipc/recon-api';
import { plural } from '../../format/display';
import { formatInZone, formatTimeInZone, SOURCE_LABELS } from './today-format';

type FeedDay = TodayBoard['feeds'][number];
type FeedCell = FeedDay['sources'][number];

/** Which feeds brought records of each of the last dates: a missing one says so in words and by when it was due, never by colour alone. */
export function FeedsGrid({ feeds, timeZone }: { feeds: TodayBoard['feeds']; timeZone: string }) {
  const sources = feeds[0]?.sources.map((cell) => cell.source) ?? [];
  const missingCount = feeds.reduce((sum, day) => sum + day.sources.filter((cell) => cell.isMissing).length, 0);
  // One entry per date, so that a day with nothing at all reads as one day, not three feeds.
  const missingByDate = feeds
    .map((day) => ({ date: day.date, sources: day.sources.filter((cell) => cell.isMissing).map((cell) => SOURCE_LABELS[cell.source]) }))
    .filter((day) => day.sources.length > 0)
    .map((day) => `${day.date} (${day.sources.length === sources.length && sources.length > 1 ? 'all of them' : day.sources.join(', ')})`);
  const closedDays = feeds.filter((day) => !day.isOpen).length;
  return (
    <section className="panel today-feeds" aria-labelledby="today-feeds-heading">
      <h3 id="today-feeds-heading">Feeds</h3>
      <p className={missingCount > 0 ? 'today-feeds-summary has-missing' : 'today-feeds-summary'} data-testid="feeds-summary">
        {missingCount > 0
          ? `${plural(missingCount, 'feed')} missing in the last ${closedDays} closed dates: ${missingByDate.join('; ')}.`
          : `Every feed of the last ${closedDays} closed dates arrived.`}
      </p>
      <div className="table-scroll">
        <table className="data-table today-feeds-table" aria-label="Feeds by business date">
          <thead>
            <tr>
              <th scope="col">Business date</th>
              {sources.map((source) => (
                <th key={source} scope="col">
                  {SOURCE_LABELS[source]}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {feeds.map((day) => (
              <tr key={day.date}>
                <th scope="row" className="today-date">
                  {day.date}
                  {day.isOpen ? <span className="badge badge-open">open</span> : null}
                </th>
                {day.sources.map((cell) => (
                  <td key={cell.source} data-testid="feed-cell" data-date={day.date} data-source={cell.source} data-state={cell.state}>
                    <FeedState cell={cell} timeZone={timeZone} />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function FeedState({ cell, timeZone }: { cell: FeedCell; timeZone: string }) {
  const expectedBy = formatInZone(cell.expectedBy, timeZone);
  switch (cell.state) {
    case 'arrived':
      return (
        <span className="feed feed-arrived">
          <span aria-hidden="true">✓ </span>
          {plural(cell.files, 'file')}, {plural(cell.records, 'record')}
        </span>
      );
    case 'missing':
      return (
        <span className="feed feed-missing">
          <span aria-hidden="true">⚠ </span>
          <strong>Missing</strong> — expected by {expectedBy}
        </span>
      );
    case 'not-expected':
      return <span className="feed feed-not-expected">Before the first feed</span>;
    case 'awaited':
      // The row is the open date itself: the time is all that is new.
      return <span className="feed feed-awaited">Not yet — expected by {formatTimeInZone(cell.expectedBy, timeZone)}</span>;
  }
}
