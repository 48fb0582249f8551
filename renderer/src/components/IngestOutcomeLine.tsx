import type { IngestOutcome } from '../../../shared/ipc/engine-results';
import { baseName, describeOutcome, outcomeLabel } from '../format/display';

/** One file's outcome: its name, a status badge and what the engine said, verbatim for a rejection. */
export function IngestOutcomeLine({ outcome }: { outcome: IngestOutcome }) {
  return (
    <span className="outcome-line">
      <span className={`badge badge-${outcome.status}`}>{outcomeLabel(outcome)}</span>
      <span className="outcome-file" title={outcome.file}>
        {baseName(outcome.file)}
      </span>
      <span className="outcome-detail">{describeOutcome(outcome)}</span>
    </span>
  );
}
