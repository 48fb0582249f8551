import { useEffect, useRef, useState } from 'react';
import { ErrorAlert } from './components/ErrorAlert';
import { TeamDatabaseBanner } from './components/TeamDatabaseBanner';
import { getReconApi, hasReconApi, NOT_CONNECTED_MESSAGE } from './api/recon-bridge';
import { ActivityLog } from './features/activity/ActivityLog';
import { ApprovalsView } from './features/approvals/ApprovalsView';
import { AuditView } from './features/audit/AuditView';
import { DropZone } from './features/drop-zone/DropZone';
import { ImportsList } from './features/imports/ImportsList';
import { MatchesView } from './features/matches/MatchesView';
import { MatchingPanel } from './features/matching/MatchingPanel';
import { QueueWorkspace } from './features/queue/QueueWorkspace';
import { SearchPalette } from './features/search/SearchPalette';
import { StatusPanel } from './features/status/StatusPanel';
import { TodayBoard } from './features/today/TodayBoard';
import { formatTimestamp, plural } from './format/display';
import { connectStore, useReconStore } from './store/recon-store';

/** The window's sections, in the order the nav lists them. */
export type ViewName = 'today' | 'import' | 'queue' | 'matches' | 'approvals' | 'matching' | 'status' | 'audit';

const VIEWS: { view: ViewName; label: string }[] = [
  { view: 'today', label: 'Today' },
  { view: 'import', label: 'Import' },
  { view: 'queue', label: 'Queue' },
  { view: 'matches', label: 'Matches' },
  { view: 'approvals', label: 'Approvals' },
  { view: 'matching', label: 'Matching & reports' },
  { view: 'status', label: 'Status' },
  { view: 'audit', label: 'Audit' },
];

/** The whole window; without a bridge it says so instead of failing on the first call. */
export function App() {
  if (!hasReconApi()) return <NotConnected />;
  return <Workstation />;
}

function NotConnected() {
  return (
    <main className="not-connected">
      <h1>Recon Workstation</h1>
      <p role="alert">{NOT_CONNECTED_MESSAGE}</p>
      <p className="hint">Close this window and start Recon Workstation again. If it keeps happening, contact support.</p>
    </main>
  );
}

function Workstation() {
  const [view, setView] = useState<ViewName>('today');
  const openItem = useReconStore((state) => state.openItem);
  const setMatchesFilter = useReconStore((state) => state.setMatchesFilter);
  const [isSearchOpen, setIsSearchOpen] = useState(false);
  // Bumped when search opens a match: the Matches view starts again, its search field showing the match's id.
  const [matchesViewKey, setMatchesViewKey] = useState(0);
  // Where focus was when search opened: it goes back there when search closes without opening anything.
  const focusBeforeSearch = useRef<HTMLElement | null>(null);
  // The count stays "Approvals" out of the button's name: it is its description.
  const awaitingApproval = useReconStore((state) => state.approvals?.awaitingMyApproval.length ?? 0);

  useEffect(() => connectStore(getReconApi()), []);

  useEffect(() => {
    // Ctrl+K (Cmd+K on a Mac) from anywhere, even a field: a chord, which the queue's single keys never are.
    const openSearch = (event: KeyboardEvent) => {
      if (!(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey || event.key.toLowerCase() !== 'k') return;
      event.preventDefault();
      if (!(document.activeElement instanceof HTMLElement && document.activeElement.closest('[data-testid="search-palette"]'))) {
        focusBeforeSearch.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      }
      setIsSearchOpen(true);
    };
    window.addEventListener('keydown', openSearch);
    return () => window.removeEventListener('keydown', openSearch);
  }, []);

  const closeSearch = () => {
    setIsSearchOpen(false);
    if (focusBeforeSearch.current?.isConnected) focusBeforeSearch.current.focus();
  };

  useEffect(() => {
    // Important: a file dropped outside the drop zone would make the window navigate to it
    // (Electron then shows the raw file in place of the app). Refuse such drops everywhere.
    const refuse = (event: DragEvent) => {
      if (event.defaultPrevented) return;
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'none';
    };
    window.addEventListener('dragover', refuse);
    window.addEventListener('drop', refuse);
    return () => {
      window.removeEventListener('dragover', refuse);
      window.removeEventListener('drop', refuse);
    };
  }, []);

  return (
    <div className="app">
      <Header
        onSearch={() => {
          focusBeforeSearch.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
          setIsSearchOpen(true);
        }}
      />
      <nav className="app-nav" aria-label="Sections">
        <ul>
          {VIEWS.map((entry) => (
            <li key={entry.view}>
              <button
                type="button"
                className={entry.view === view ? 'nav-item is-current' : 'nav-item'}
                aria-current={entry.view === view ? 'page' : undefined}
                onClick={() => setView(entry.view)}
                aria-describedby={entry.view === 'approvals' && awaitingApproval > 0 ? 'nav-approvals-count' : undefined}
              >
                {entry.label}
                {entry.view === 'approvals' && awaitingApproval > 0 ? (
                  <span className="nav-badge" aria-hidden="true" data-testid="approvals-badge">
                    {awaitingApproval}
                  </span>
                ) : null}
              </button>
              {entry.view === 'approvals' && awaitingApproval > 0 ? (
                <span id="nav-approvals-count" className="visually-hidden">{`${awaitingApproval} awaiting your approval`}</span>
              ) : null}
            </li>
          ))}
        </ul>
      </nav>
      <main className="app-main" aria-label={VIEWS.find((entry) => entry.view === view)?.label}>
        <TeamDatabaseBanner />
        <WritesStoppedAlert />
        {view === 'today' ? <TodayBoard /> : null}
        {view === 'import' ? (
          <div className="stack">
            <DropZone />
            <ActivityLog />
            <ImportsList />
          </div>
        ) : null}
        {view === 'queue' ? <QueueWorkspace /> : null}
        {view === 'matches' ? <MatchesView key={matchesViewKey} /> : null}
        {view === 'approvals' ? (
          <ApprovalsView
            onOpenItem={(itemId) => {
              setView('queue');
              void openItem(itemId);
            }}
          />
        ) : null}
        {view === 'matching' ? <MatchingPanel /> : null}
        {view === 'status' ? <StatusPanel /> : null}
        {view === 'audit' ? <AuditView /> : null}
      </main>
      {isSearchOpen ? (
        <SearchPalette
          onClose={closeSearch}
          onOpenItem={(itemId) => {
            setIsSearchOpen(false);
            setView('queue');
            void openItem(itemId);
          }}
          onOpenMatch={(matchId) => {
            setIsSearchOpen(false);
            // Only that match: the view's other filters could hide it.
            void setMatchesFilter({ from: undefined, to: undefined, madeBy: undefined, rule: undefined, network: undefined, search: String(matchId) });
            setMatchesViewKey((key) => key + 1);
            setView('matches');
          }}
        />
      ) : null}
    </div>
  );
}

function Header({ onSearch }: { onSearch: () => void }) {
  const lastRunDate = useReconStore((state) => state.status?.store.lastRunDate);
  const actor = useReconStore((state) => state.status?.actor);
  return (
    <header className="app-header">
      <h1>Recon Workstation</h1>
      <dl className="header-facts">
        <div>
          <dt>Last run</dt>
          <dd data-testid="header-last-run">{lastRunDate ?? 'none yet'}</dd>
        </div>
        <div>
          <dt>Associate</dt>
          <dd data-testid="header-actor">{actor ?? '…'}</dd>
        </div>
      </dl>
      {/* One item of the header's row: the note beside Search takes no room while it is empty. */}
      <div className="header-search-group">
        <button type="button" className="button-small header-search" aria-keyshortcuts="Control+K Meta+K" data-testid="header-search" onClick={onSearch}>
          Search <kbd>Ctrl+K</kbd>
        </button>
        <SearchIndexing />
      </div>
      <UndoLastAction />
    </header>
  );
}

/**
 * Beside Search while files just ingested wait for their search keys (written on a second thread
 * after the ingest returns): until then no search, here or in the queue and Matches views, finds
 * their rows.
 */
function SearchIndexing() {
  const files = useReconStore((state) => state.status?.filesAwaitingSearchKeys ?? 0);
  return (
    <p className="header-indexing" role="status" data-testid="header-search-indexing">
      {files === 0 ? '' : `Indexing ${plural(files, 'new file')} for search…`}
    </p>
  );
}

/** On every view while the audit log is found altered outside the app: why every change is refused. */
function WritesStoppedAlert() {
  const writesStopped = useReconStore((state) => state.status?.writesStopped);
  if (!writesStopped) return null;
  return (
    <p className="error-alert" role="alert" data-testid="writes-stopped">
      {writesStopped}
    </p>
  );
}

/** Undoes the associate's last manual action; absent while there is nothing to undo. */
function UndoLastAction() {
  const lastManualAction = useReconStore((state) => state.lastManualAction);
  const isUndoing = useReconStore((state) => state.manualBusy.undo ?? false);
  const undoError = useReconStore((state) => state.manualErrors.undo);
  const undoLastAction = useReconStore((state) => state.undoLastAction);
  if (!lastManualAction && !undoError) return null;
  return (
    <div className="header-undo">
      {lastManualAction ? (
        <button
          type="button"
          className="undo-button"
          data-testid="header-undo"
          title={
            lastManualAction.undoRefusal ?? `${lastManualAction.summary} (${lastManualAction.actor}, ${formatTimestamp(lastManualAction.at)})`
          }
          disabled={isUndoing || lastManualAction.undoRefusal !== undefined}
          onClick={() => void undoLastAction()}
        >
          Undo: {lastManualAction.summary}
        </button>
      ) : null}
      {lastManualAction?.undoRefusal ? (
        <p className="hint undo-refusal" data-testid="undo-refusal" title={lastManualAction.undoRefusal}>
          {lastManualAction.undoRefusal}
        </p>
      ) : null}
      <ErrorAlert message={undoError} />
    </div>
  );
}
