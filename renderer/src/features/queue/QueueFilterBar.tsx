import { type FormEvent, useEffect, useState } from 'react';
import { AGE_BAND_NAMES, type QueueAgeFilter } from '../../../../shared/age-bands';
import { NETWORKS, SIDES } from '../../../../shared/domain';
import type { QueueFilter } from '../../../../shared/ipc/recon-api';
import { ExportButtons } from '../../components/ExportButtons';
import { formatCount, formatMoney } from '../../format/display';
import { DEFAULT_QUEUE_FILTER, type QueueCategory, type QueueSort } from '../../store/queue-slice';
import { useReconStore } from '../../store/recon-store';
import { deleteView, readSavedViews, saveView, type SavedQueueView } from './saved-views';

const CATEGORIES: { category: QueueCategory; label: string }[] = [
  { category: 'MISMATCH', label: 'Mismatches' },
  { category: 'GLOBAL_FINANCE', label: 'Global finance' },
];

const SORTS: { sort: QueueSort; label: string }[] = [
  { sort: 'oldest', label: 'Oldest first' },
  { sort: 'largest', label: 'Largest first' },
];

const AGES: { age: QueueAgeFilter; label: string }[] = [
  ...AGE_BAND_NAMES.map((band) => ({ age: band, label: `${band} days` })),
  { age: 'ages-into-global-finance', label: 'Ages into global finance at the next cut-off' },
];

const AMOUNT = /^-?\d{1,12}(\.\d{1,3})?$/;

/** One of `options`, or undefined for "any". */
function pick<Value extends string>(options: readonly Value[], value: string): Value | undefined {
  return options.find((option) => option === value);
}

/**
 * The queue's filter bar: category, a search, reason, network, side, age, record dates and amounts, the
 * order; what the filter holds (count and totals per currency); saved views; and the exports.
 * Lists apply at once; dates and amounts apply with Enter or when the field is left.
 */
export function QueueFilterBar() {
  const filter = useReconStore((state) => state.queueFilter);
  const openItems = useReconStore((state) => state.status?.store.openItems);
  const setQueueFilter = useReconStore((state) => state.setQueueFilter);
  const reasons = (openItems ?? []).filter((group) => group.category === filter.category);
  const categoryTotal = reasons.reduce((sum, group) => sum + group.items, 0);

  return (
    <div className="queue-filter-bar">
      <div className="queue-filters">
        <div role="tablist" aria-label="Category" className="tabs">
          {CATEGORIES.map(({ category, label }) => (
            <button
              key={category}
              type="button"
              role="tab"
              aria-selected={category === filter.category}
              className={category === filter.category ? 'tab is-selected' : 'tab'}
              onClick={() => void setQueueFilter({ category })}
            >
              {label}
            </button>
          ))}
        </div>
        <QueueSearchField applied={filter.search} />
        <label>
          Reason
          <select value={filter.reason ?? ''} onChange={(event) => void setQueueFilter({ reason: event.currentTarget.value || undefined })}>
            <option value="">All reasons{openItems ? ` (${formatCount(categoryTotal)})` : ''}</option>
            {reasons.map((group) => (
              <option key={group.reason} value={group.reason}>
                {group.reason} ({formatCount(group.items)})
              </option>
            ))}
            {filter.reason && !reasons.some((group) => group.reason === filter.reason) ? <option value={filter.reason}>{filter.reason}</option> : null}
          </select>
        </label>
        <label>
          Network
          <select value={filter.network ?? ''} onChange={(event) => void setQueueFilter({ network: pick(NETWORKS, event.currentTarget.value) })}>
            <option value="">Any network</option>
            {NETWORKS.map((network) => (
              <option key={network} value={network}>
                {network === 'VISA' ? 'Visa' : 'Mastercard'}
              </option>
            ))}
          </select>
        </label>
        <label>
          Side
          <select value={filter.side ?? ''} onChange={(event) => void setQueueFilter({ side: pick(SIDES, event.currentTarget.value) })}>
            <option value="">Either side</option>
            {SIDES.map((side) => (
              <option key={side} value={side}>
                {side === 'NETWORK' ? 'Network' : 'Ledger'}
              </option>
            ))}
          </select>
        </label>
        <label>
          Age
          <select
            value={filter.age ?? ''}
            onChange={(event) => void setQueueFilter({ age: AGES.find((option) => option.age === event.currentTarget.value)?.age })}
          >
            <option value="">Any age</option>
            {AGES.map(({ age, label }) => (
              <option key={age} value={age}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Sort
          <select value={filter.sort} onChange={(event) => void setQueueFilter({ sort: pick(['oldest', 'largest'] as const, event.currentTarget.value) ?? 'oldest' })}>
            {SORTS.map(({ sort, label }) => (
              <option key={sort} value={sort}>
                {label}
              </option>
            ))}
          </select>
        </label>
      </div>
      <RangeFilters filter={filter} />
      <div className="queue-filters">
        <QueueSummaryLine />
        <SavedViews />
        <QueueExport />
      </div>
    </div>
  );
}

/** How long the search box waits for the associate to stop typing before the queue follows. */
const SEARCH_SETTLE_MS = 250;

/** The queue's search box: what search everywhere (Ctrl+K) finds, among this queue's open items; applied as the associate types. */
function QueueSearchField({ applied }: { applied: string | undefined }) {
  const setQueueFilter = useReconStore((state) => state.setQueueFilter);
  const [text, setText] = useState(applied ?? '');
  // A saved view or Clear filters changes the applied search: the field follows, unless it already says that.
  useEffect(() => setText((current) => (current.trim() === (applied ?? '') ? current : (applied ?? ''))), [applied]);

  useEffect(() => {
    const wanted = text.trim();
    if (wanted === (applied ?? '')) return;
    const timer = setTimeout(() => void setQueueFilter({ search: wanted || undefined }), SEARCH_SETTLE_MS);
    return () => clearTimeout(timer);
  }, [text, applied, setQueueFilter]);

  return (
    <label>
      Search
      <input
        type="search"
        value={text}
        maxLength={64}
        placeholder="Id, ARN, auth code, card, token or amount"
        data-testid="queue-search"
        onChange={(event) => setText(event.currentTarget.value)}
      />
    </label>
  );
}

/** Record dates and amounts: typed, then applied with Enter or on leaving the field; an amount that is not one says so. */
function RangeFilters({ filter }: { filter: QueueFilter }) {
  const setQueueFilter = useReconStore((state) => state.setQueueFilter);
  const [amountFrom, setAmountFrom] = useState(filter.amountFrom ?? '');
  const [amountTo, setAmountTo] = useState(filter.amountTo ?? '');
  // A view or a cleared filter changes the applied amounts: the fields follow.
  useEffect(() => setAmountFrom(filter.amountFrom ?? ''), [filter.amountFrom]);
  useEffect(() => setAmountTo(filter.amountTo ?? ''), [filter.amountTo]);
  const fromProblem = amountFrom.trim() !== '' && !AMOUNT.test(amountFrom.trim());
  const toProblem = amountTo.trim() !== '' && !AMOUNT.test(amountTo.trim());
  const hasNarrowing = Object.keys(filter).some((key) => key !== 'category' && key !== 'sort');

  function applyAmounts(event?: FormEvent) {
    event?.preventDefault();
    if (fromProblem || toProblem) return;
    const from = amountFrom.trim() || undefined;
    const to = amountTo.trim() || undefined;
    if (from === filter.amountFrom && to === filter.amountTo) return;
    void setQueueFilter({ amountFrom: from, amountTo: to });
  }

  return (
    <form className="queue-filters" aria-label="Dates and amounts" onSubmit={applyAmounts}>
      <label>
        Record date from
        <input type="date" value={filter.dateFrom ?? ''} onChange={(event) => void setQueueFilter({ dateFrom: event.currentTarget.value || undefined })} />
      </label>
      <label>
        to
        <input type="date" value={filter.dateTo ?? ''} onChange={(event) => void setQueueFilter({ dateTo: event.currentTarget.value || undefined })} />
      </label>
      <label>
        Amount from
        <input
          type="text"
          inputMode="decimal"
          className="amount-input"
          value={amountFrom}
          placeholder="0.00"
          aria-invalid={fromProblem}
          onChange={(event) => setAmountFrom(event.currentTarget.value)}
          onBlur={() => applyAmounts()}
        />
      </label>
      <label>
        to
        <input
          type="text"
          inputMode="decimal"
          className="amount-input"
          value={amountTo}
          placeholder="any"
          aria-invalid={toProblem}
          onChange={(event) => setAmountTo(event.currentTarget.value)}
          onBlur={() => applyAmounts()}
        />
      </label>
      {/* Enter in an amount submits the form; the button is for the mouse. */}
      <button type="submit" className="button-small">
        Apply amounts
      </button>
      <button
        type="button"
        className="button-small"
        disabled={!hasNarrowing}
        onClick={() => void useReconStore.getState().replaceQueueFilter({ ...DEFAULT_QUEUE_FILTER, category: filter.category, sort: filter.sort })}
      >
        Clear filters
      </button>
      {fromProblem || toProblem ? (
        <p className="field-problem" role="alert">
          An amount is a number such as 125.40, in the item&apos;s own currency.
        </p>
      ) : null}
    </form>
  );
}

/** How many items the filter holds, and their amounts per currency. */
function QueueSummaryLine() {
  const summary = useReconStore((state) => state.queueSummary);
  if (!summary) return null;
  const totals = summary.totals.map((total) => formatMoney(total.minor, total.currency)).join(' · ');
  return (
    <p className="queue-summary" data-testid="queue-summary">
      {`${formatCount(summary.total)} item${summary.total === 1 ? '' : 's'}${totals ? `, totalling ${totals}` : ''}`}
    </p>
  );
}

/** The associate's saved views: apply one, save the filter shown under a name, delete one. */
function SavedViews() {
  const actor = useReconStore((state) => state.status?.actor ?? '');
  const filter = useReconStore((state) => state.queueFilter);
  const replaceQueueFilter = useReconStore((state) => state.replaceQueueFilter);
  const [views, setViews] = useState<SavedQueueView[]>([]);
  const [chosen, setChosen] = useState('');
  const [name, setName] = useState('');
  useEffect(() => {
    setViews(actor ? readSavedViews(actor) : []);
    setChosen('');
  }, [actor]);
  if (!actor) return null;

  function apply(viewName: string) {
    setChosen(viewName);
    const view = views.find((kept) => kept.name === viewName);
    if (view) void replaceQueueFilter(view.filter);
  }

  function save(event: FormEvent) {
    event.preventDefault();
    const trimmed = name.trim();
    if (!trimmed) return;
    setViews(saveView(actor, { name: trimmed, filter }));
    setChosen(trimmed);
    setName('');
  }

  return (
    <form className="queue-views" aria-label="Saved views" onSubmit={save}>
      <label>
        View
        <select value={chosen} onChange={(event) => apply(event.currentTarget.value)}>
          <option value="">{views.length === 0 ? 'No saved views' : 'Choose a saved view'}</option>
          {views.map((view) => (
            <option key={view.name} value={view.name}>
              {view.name}
            </option>
          ))}
        </select>
      </label>
      <button
        type="button"
        className="button-small"
        disabled={chosen === ''}
        onClick={() => {
          setViews(deleteView(actor, chosen));
          setChosen('');
        }}
      >
        Delete view
      </button>
      <label>
        Save the filter as
        <input type="text" value={name} maxLength={60} placeholder="e.g. Visa over 10 days" onChange={(event) => setName(event.currentTarget.value)} />
      </label>
      <button type="submit" className="button-small" disabled={name.trim() === ''}>
        Save view
      </button>
    </form>
  );
}

/** The queue's filter to XLSX or CSV. */
function QueueExport() {
  const exportQueue = useReconStore((state) => state.exportQueue);
  const isExporting = useReconStore((state) => state.isQueueExporting);
  const message = useReconStore((state) => state.queueExportMessage);
  return <ExportButtons isExporting={isExporting} message={message} onExport={exportQueue} />;
}
