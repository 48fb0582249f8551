import { type ChangeEvent, type DragEvent, useRef, useState } from 'react';
import { ErrorAlert } from '../../components/ErrorAlert';
import { IngestOutcomeLine } from '../../components/IngestOutcomeLine';
import { useReconStore } from '../../store/recon-store';

/** Where an associate hands over clearing files and ledger exports, and sees at once what became of each. */
export function DropZone() {
  const isIngesting = useReconStore((state) => state.isIngesting);
  const queuedCount = useReconStore((state) => state.queuedFiles.length);
  const dropOutcomes = useReconStore((state) => state.dropOutcomes);
  const ingestError = useReconStore((state) => state.ingestError);
  const ingestFiles = useReconStore((state) => state.ingestFiles);
  const [isDragOver, setIsDragOver] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);

  function handleDragOver(event: DragEvent<HTMLDivElement>) {
    // Without preventDefault the browser refuses the drop (and Electron would open the file).
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    if (!isDragOver) setIsDragOver(true);
  }

  function handleDragLeave(event: DragEvent<HTMLDivElement>) {
    // Moving over a child fires dragleave on the zone; only leaving the zone itself counts.
    if (event.relatedTarget instanceof Node && event.currentTarget.contains(event.relatedTarget)) return;
    setIsDragOver(false);
  }

  function handleDrop(event: DragEvent<HTMLDivElement>) {
    event.preventDefault();
    setIsDragOver(false);
    // No filter by extension or type: IPM and Base II files have neither, and the engine reads the format from content.
    void ingestFiles(Array.from(event.dataTransfer.files));
  }

  function handleChosen(event: ChangeEvent<HTMLInputElement>) {
    const files = Array.from(event.currentTarget.files ?? []);
    // Clearing the input lets the same file be chosen again (after fixing it, say).
    event.currentTarget.value = '';
    void ingestFiles(files);
  }

  const zoneClass = ['drop-zone', isDragOver ? 'is-drag-over' : '', isIngesting ? 'is-busy' : ''].filter(Boolean).join(' ');

  return (
    <section className="panel" aria-labelledby="drop-zone-heading">
      <div
        className={zoneClass}
        data-testid="drop-zone"
        aria-busy={isIngesting}
        aria-describedby="drop-zone-hint"
        onDragEnter={handleDragOver}
        onDragOver={handleDragOver}
        onDragLeave={handleDragLeave}
        onDrop={handleDrop}
      >
        <h2 id="drop-zone-heading" className="drop-zone-title">
          Drop clearing files or Zelle exports here
        </h2>
        <p id="drop-zone-hint" className="drop-zone-hint">
          Visa Base II, Mastercard IPM and CSV files, any number at once. Each file&apos;s format is read from its content.
        </p>
        {/* Files handed over while an ingest runs wait their turn, so the button stays open. */}
        <button type="button" className="button-primary" onClick={() => inputRef.current?.click()}>
          Choose files…
        </button>
        <input
          ref={inputRef}
          type="file"
          multiple
          className="visually-hidden"
          tabIndex={-1}
          aria-label="Files to ingest"
          data-testid="file-input"
          onChange={handleChosen}
        />
        {isIngesting ? (
          <p className="drop-zone-busy" role="status">
            {queuedCount > 0 ? `Ingesting… ${queuedCount} more file${queuedCount === 1 ? '' : 's'} waiting.` : 'Ingesting…'}
          </p>
        ) : null}
      </div>
      <ErrorAlert message={ingestError} />
      {dropOutcomes.length > 0 ? (
        <ul className="outcome-list" aria-label="Outcome of each file">
          {dropOutcomes.map((outcome, index) => (
            <li
              key={`${index}:${outcome.file}`}
              className={`outcome outcome-${outcome.status}`}
              data-testid="ingest-outcome"
              data-status={outcome.status}
            >
              <IngestOutcomeLine outcome={outcome} />
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
