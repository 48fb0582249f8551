import { type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import { ModalDialog } from '../../components/ModalDialog';
import type { ItemSearchHit, MatchSearchHit, SearchField, SearchResults } from '../../../../shared/ipc/recon-api';
import { errorMessage, getReconApi, unwrapReply } from '../../api/recon-bridge';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatMoney, plural } from '../../format/display';
import { useReconStore } from '../../store/recon-store';

/** How long the palette waits for the associate to stop typing before it asks. */
const SEARCH_SETTLE_MS = 150;
/** Hits shown per group: the palette is for going somewhere, not for reading lists. */
const HITS_PER_GROUP = 8;

/** What each field is called where a hit says what it was found by. */
export const SEARCH_FIELD_LABELS: Record<SearchField, string> = {
  itemId: 'item id',
  matchId: 'match id',
  recordId: 'record id',
  paymentId: 'payment id',
  networkTxnId: 'network transaction id',
  arn: 'ARN',
  authCode: 'auth code',
  cardBin: 'card BIN',
  cardLast4: 'card last four',
  senderToken: 'sender',
  recipientToken: 'recipient',
  amount: 'amount',
};

/** One hit the palette lists: what it opens and how it reads. */
type PaletteOption = { key: string; open: () => void; title: string; detail: string; found: string };

type Group = { label: string; one: string; options: PaletteOption[]; hasMore: boolean };

function itemOption(hit: ItemSearchHit, onOpenItem: (id: number) => void): PaletteOption {
  return {
    key: `item-${hit.itemId}`,
    open: () => onOpenItem(hit.itemId),
    title: `Item ${hit.itemId}: ${hit.reason}`,
    detail: `${hit.reference} · ${formatMoney(hit.amountMinor, hit.currency)} · ${hit.recordDate}${hit.status === 'OPEN' ? '' : ` · ${hit.status.toLowerCase()}`}`,
    found: `${SEARCH_FIELD_LABELS[hit.field]} ${hit.value}`,
  };
}

function matchOption(hit: MatchSearchHit, onOpenMatch: (id: number) => void): PaletteOption {
  return {
    key: `match-${hit.matchId}`,
    open: () => onOpenMatch(hit.matchId),
    title: `Match ${hit.matchId}: ${hit.rule}`,
    detail: `${hit.network} · ${formatMoney(hit.amountMinor, hit.currency)} · ${hit.businessDate}${hit.status === 'ACTIVE' ? '' : ' · undone'}`,
    found: `${SEARCH_FIELD_LABELS[hit.field]} ${hit.value}`,
  };
}

function groupsOf(results: SearchResults, onOpenItem: (id: number) => void, onOpenMatch: (id: number) => void): Group[] {
  return [
    { label: 'Open items', one: 'open item', options: results.openItems.hits.map((hit) => itemOption(hit, onOpenItem)), hasMore: results.openItems.hasMore },
    { label: 'Closed items', one: 'closed item', options: results.closedItems.hits.map((hit) => itemOption(hit, onOpenItem)), hasMore: results.closedItems.hasMore },
    { label: 'Matches', one: 'match', options: results.matches.hits.map((hit) => matchOption(hit, onOpenMatch)), hasMore: results.matches.hasMore },
  ].filter((group) => group.options.length > 0);
}

function summary(groups: Group[], text: string, filesAwaitingSearchKeys: number): string {
  const count = (group: Group) =>
    group.options.length === 1 && !group.hasMore ? `1 ${group.one}` : `${group.options.length}${group.hasMore ? '+' : ''} ${group.label.toLowerCase()}`;
  const found = groups.length === 0 ? `Nothing found for “${text}”.` : `${groups.map(count).join(', ')}. Up and down arrows choose, Enter opens.`;
  return filesAwaitingSearchKeys === 0 ? found : `${found} ${awaitingKeysNote(filesAwaitingSearchKeys)}`;
}

/** What a search cannot see yet: the files just ingested whose search keys are still being written. */
function awaitingKeysNote(files: number): string {
  return `${plural(files, 'file')} just ingested ${files === 1 ? 'is' : 'are'} still being indexed: ${files === 1 ? 'its' : 'their'} rows are not found yet (a minute at most).`;
}

/**
 * Search everywhere (Ctrl+K): a modal dialog with one search field whose hits (open items,
 * closed items, matches) are chosen with the arrow keys and opened with Enter. Focus stays in
 * the field (the active hit is its aria-activedescendant), so the queue's single-key shortcuts
 * never fire while the associate types; Tab moves only between the field and Close; Escape closes.
 */
export function SearchPalette({ onClose, onOpenItem, onOpenMatch }: { onClose: () => void; onOpenItem: (id: number) => void; onOpenMatch: (id: number) => void }) {
  const titleId = useId();
  const listId = useId();
  const optionIdPrefix = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const closeRef = useRef<HTMLButtonElement>(null);
  const [text, setText] = useState('');
  const [results, setResults] = useState<{ text: string; value: SearchResults } | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [activeIndex, setActiveIndex] = useState(0);
  // Bumped by every request, so a slow reply for older text never replaces a newer one.
  const generation = useRef(0);
  // Files just ingested come into the search as their keys come in: the same text is asked again then.
  const filesAwaitingSearchKeys = useReconStore((state) => state.status?.filesAwaitingSearchKeys ?? 0);

  useEffect(() => {
    inputRef.current?.focus();
  }, []);

  useEffect(() => {
    const wanted = text.trim();
    const current = ++generation.current;
    if (wanted === '') {
      setResults(undefined);
      setError(undefined);
      return;
    }
    const timer = setTimeout(() => {
      void (async () => {
        try {
          const value = unwrapReply(await getReconApi().searchEverywhere({ text: wanted, limit: HITS_PER_GROUP }));
          if (generation.current !== current) return;
          setResults({ text: wanted, value });
          setError(undefined);
          setActiveIndex(0);
        } catch (failure) {
          if (generation.current === current) setError(errorMessage(failure));
        }
      })();
    }, SEARCH_SETTLE_MS);
    return () => clearTimeout(timer);
  }, [text, filesAwaitingSearchKeys]);

  const groups = results ? groupsOf(results.value, onOpenItem, onOpenMatch) : [];
  const options = groups.flatMap((group) => group.options);
  const active = options[Math.min(activeIndex, options.length - 1)];
  const optionId = (option: PaletteOption) => `${optionIdPrefix}-${option.key}`;

  function handleKey(event: KeyboardEvent<HTMLDivElement>) {
    if (event.key === 'Escape') {
      // Important: the item panel also closes on Escape; the palette's own Escape must stop here.
      event.preventDefault();
      event.stopPropagation();
      onClose();
    } else if (event.key === 'Tab') {
      // Two stops, the field and Close: focus never leaves the modal dialog.
      event.preventDefault();
      (document.activeElement === inputRef.current ? closeRef.current : inputRef.current)?.focus();
    } else if ((event.key === 'ArrowDown' || event.key === 'ArrowUp') && options.length > 0) {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActiveIndex((index) => (Math.min(index, options.length - 1) + step + options.length) % options.length);
    } else if (event.key === 'Enter' && event.target === inputRef.current && active) {
      event.preventDefault();
      active.open();
    }
  }

  useEffect(() => {
    if (active) document.getElementById(optionId(active))?.scrollIntoView?.({ block: 'nearest' });
  });

  return (
    <ModalDialog
      className="search-palette"
      title="Search everywhere"
      titleId={titleId}
      testId="search-palette"
      onKeyDown={handleKey}
      onClose={onClose}
      closeRef={closeRef}
    >
      <input
        ref={inputRef}
        type="text"
        className="search-palette-input"
        role="combobox"
        aria-label="Search by id, ARN, auth code, card, token or amount"
        aria-autocomplete="list"
        aria-expanded={options.length > 0}
        aria-controls={listId}
        aria-activedescendant={active ? optionId(active) : undefined}
        placeholder="Payment or record id, transaction id, ARN, auth code, BIN, last four, token, amount"
        maxLength={64}
        autoComplete="off"
        spellCheck={false}
        value={text}
        onChange={(event) => setText(event.currentTarget.value)}
      />
      <p className="hint" role="status" data-testid="search-palette-status">
        {results && results.text === text.trim() ? summary(groups, results.text, results.value.filesAwaitingSearchKeys) : text.trim() === '' ? 'Any part of an identifier, in any case, or an amount.' : 'Searching…'}
      </p>
      <ErrorAlert message={error} />
      <div id={listId} role="listbox" aria-label="Search results" className="search-palette-results">
        {groups.map((group) => (
          <div key={group.label} role="group" aria-label={group.label}>
            <div className="search-palette-group" aria-hidden="true">
              {group.label}
              {group.hasMore ? ' (more found: type more to narrow them)' : ''}
            </div>
            {group.options.map((option) => (
              <div
                key={option.key}
                id={optionId(option)}
                role="option"
                aria-selected={option === active}
                className={option === active ? 'search-palette-option is-active' : 'search-palette-option'}
                data-testid="search-hit"
                onClick={option.open}
              >
                <span className="search-palette-title">{option.title}</span>
                <span className="search-palette-detail">{option.detail}</span>
                <span className="search-palette-found">found by {option.found}</span>
              </div>
            ))}
          </div>
        ))}
      </div>
    </ModalDialog>
  );
}
