import { type ReactNode, useEffect, useRef } from 'react';
import type { ItemDetail, LedgerPaymentView, NetworkRecordView } from '../../../../shared/ipc/recon-api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { ScrollRegion } from '../../components/ScrollRegion';
import {
  compactJson,
  describeResettlement,
  formatCount,
  formatMaskedCard,
  formatMoney,
  formatSourceLine,
  formatTimestamp,
} from '../../format/display';
import { useReconStore } from '../../store/recon-store';
import { PairingWorkbench } from '../pairing/PairingWorkbench';
import { ItemActions } from './ItemActions';
import { isTextEntry as isTypingTarget } from './queue-shortcuts';

type Candidate = ItemDetail['candidates'][number];

/**
 * The open item beside the queue: why it is what it is (the engine's explanation first), its
 * facts, its own record, the counterparts the matcher considered, and its history.
 * `onClosed` runs after the associate closes it from inside, so the caller can put focus back.
 */
export function ItemDetailPanel({ onClosed }: { onClosed?: (id: number) => void }) {
  const selectedItemId = useReconStore((state) => state.selectedItemId);
  const itemDetail = useReconStore((state) => state.itemDetail);
  const isItemDetailLoading = useReconStore((state) => state.isItemDetailLoading);
  const itemDetailError = useReconStore((state) => state.itemDetailError);
  const isItemDetailStale = useReconStore((state) => state.isItemDetailStale);
  const closeItem = useReconStore((state) => state.closeItem);
  const reloadItem = useReconStore((state) => state.reloadItem);
  const itemActionDone = useReconStore((state) => state.itemActionDone);
  const isPairingOpen = useReconStore((state) => state.isPairingOpen);
  const closePairing = useReconStore((state) => state.closePairing);
  const panelRef = useRef<HTMLElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    if (selectedItemId === undefined) return;
    const panel = panelRef.current;
    // Below the queue (a narrow window) the panel would open out of view: bring it up first.
    if (panel && isPanelStacked() && typeof panel.scrollIntoView === 'function') panel.scrollIntoView({ block: 'start' });
    // The keyboard follows the associate to what they opened; Escape or Close takes it back to the row.
    headingRef.current?.focus({ preventScroll: true });
  }, [selectedItemId]);

  useEffect(() => {
    if (selectedItemId === undefined) return;
    const id = selectedItemId;
    // Escape closes the panel wherever focus is (a queue row, the panel), unless a control used it
    // first or the associate is typing: Escape in a field must not throw away what is in the form.
    const closeOnEscape = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || event.defaultPrevented) return;
      const isPairing = useReconStore.getState().isPairingOpen;
      // Over the workbench a radio or checkbox (a candidate) is not a field to leave first: Escape goes straight back to the list.
      if (isPairing ? isTypingTarget(event.target) : isTextEntry(event.target)) {
        // The first Escape leaves the field (what is typed stays), so the keyboard is never stuck in a form; the next closes.
        if (event.target instanceof Node && panelRef.current?.contains(event.target)) {
          event.preventDefault();
          headingRef.current?.focus();
        }
        return;
      }
      // Over the pairing workbench, Escape goes back to the list (the workspace puts focus on the item's row); the item stays open.
      if (isPairing) {
        closePairing();
        return;
      }
      const wasFocusInside = panelRef.current?.contains(document.activeElement) ?? false;
      closeItem();
      if (wasFocusInside) onClosed?.(id);
    };
    window.addEventListener('keydown', closeOnEscape);
    return () => window.removeEventListener('keydown', closeOnEscape);
  }, [selectedItemId, closeItem, closePairing, onClosed]);

  // The item no longer offers pairing (a reload after another window paired it): the workbench gives way to the item.
  const canPair = itemDetail?.actions.canPair;
  useEffect(() => {
    if (isPairingOpen && canPair === false) closePairing();
  }, [isPairingOpen, canPair, closePairing]);

  if (selectedItemId === undefined) return null;

  const close = () => {
    closeItem();
    onClosed?.(selectedItemId);
  };

  return (
    <section ref={panelRef} className={isPairingOpen ? 'panel item-detail is-pairing' : 'panel item-detail'} aria-label="Item detail" data-testid="item-detail" aria-busy={isItemDetailLoading}>
      <div className="item-detail-header">
        <div className="item-detail-title">
          <h2 ref={headingRef} tabIndex={-1}>
            Item {selectedItemId}
          </h2>
          {itemDetail ? (
            <p className="item-detail-badges">
              <span className="badge badge-category">{itemDetail.item.category}</span>
              <span className="badge badge-reason">{itemDetail.item.reason}</span>
            </p>
          ) : null}
        </div>
        {isPairingOpen ? (
          <button type="button" className="button-small" aria-keyshortcuts="Escape" onClick={closePairing}>
            Back to the list
          </button>
        ) : (
          <button type="button" className="button-small" aria-label="Close item detail" onClick={close}>
            Close
          </button>
        )}
      </div>
      {itemActionDone ? (
        <p className="action-result" role="status" data-testid="action-done">
          Item {itemActionDone.itemId}: {itemActionDone.text}
        </p>
      ) : null}
      <ErrorAlert message={itemDetailError} />
      {isItemDetailStale ? (
        <div className="stale-notice" data-testid="item-stale">
          <p className="warning">This item could not be reloaded, so what it shows may be out of date; its actions are off until it loads again.</p>
          <button type="button" className="button-small" disabled={isItemDetailLoading} onClick={() => void reloadItem()}>
            Try again
          </button>
        </div>
      ) : null}
      {isItemDetailLoading && !itemDetail ? (
        <p className="hint" role="status">
          Loading item {selectedItemId}…
        </p>
      ) : null}
      {itemDetail && isPairingOpen && itemDetail.actions.canPair ? (
        // A disabled fieldset turns off every control in it and keeps what the associate chose.
        <fieldset className="plain-fieldset workbench-fieldset" disabled={isItemDetailStale}>
          <PairingWorkbench key={itemDetail.item.id} detail={itemDetail} onPaired={closePairing} />
        </fieldset>
      ) : itemDetail ? (
        <ItemDetailContent detail={itemDetail} isStale={isItemDetailStale} />
      ) : null}
    </section>
  );
}

function ItemDetailContent({ detail, isStale }: { detail: ItemDetail; isStale: boolean }) {
  const { item } = detail;
  return (
    <>
      <p className="item-explanation" data-testid="item-explanation">
        {detail.explanation}
      </p>

      {/* A disabled fieldset turns off every control in it and keeps what the associate typed. */}
      <fieldset className="plain-fieldset" disabled={isStale}>
        <ItemActions key={item.id} detail={detail} />
      </fieldset>

      <h3>Facts</h3>
      <dl className="detail-facts">
        <Fact label="Amount" isNumeric>
          {formatMoney(item.amountMinor, item.currency)}
        </Fact>
        <Fact label="Side">{item.side}</Fact>
        <Fact label="Record date">{item.recordDate}</Fact>
        <Fact label="Opened on">{item.openedOn}</Fact>
        <Fact label="Age">{`${formatCount(item.ageDays)} day${item.ageDays === 1 ? '' : 's'}`}</Fact>
        <Fact label="Status">{item.closedOn ? `${item.status} on ${item.closedOn}` : item.status}</Fact>
        {item.category === 'GLOBAL_FINANCE' && item.resettlementMinor !== null ? (
          <Resettlement amountMinor={item.resettlementMinor} currency={item.currency} />
        ) : null}
        <Fact label="Created by">{item.createdBy}</Fact>
        {item.approvedBy ? <Fact label="Approved by">{item.approvedBy}</Fact> : null}
        <Fact label="Rule set">{item.ruleSetVersion === null ? 'not recorded' : `version ${item.ruleSetVersion}`}</Fact>
        {item.note ? (
          <Fact label="Note" isWide>
            {item.note}
          </Fact>
        ) : null}
      </dl>

      {detail.networkRecord ? <NetworkRecordFacts record={detail.networkRecord} /> : null}
      {detail.ledgerPayment ? <LedgerPaymentFacts payment={detail.ledgerPayment} /> : null}

      <h3>Candidates</h3>
      <CandidatesTable candidates={detail.candidates} />
      <TakenCandidates detail={detail} />

      <h3>History</h3>
      <HistoryList history={detail.history} />
    </>
  );
}

function Resettlement({ amountMinor, currency }: { amountMinor: number; currency: string }) {
  const { amount, hint } = describeResettlement(amountMinor, currency);
  return (
    <Fact label="Resettlement" isNumeric>
      {amount} <span className="fact-hint">({hint})</span>
    </Fact>
  );
}

function NetworkRecordFacts({ record }: { record: NetworkRecordView }) {
  return (
    <>
      <h3>Network record</h3>
      <dl className="detail-facts" aria-label="Network record">
        <Fact label="Network">{record.network}</Fact>
        <Fact label="Type">{record.isSecondPresentment ? `${record.txnType} (second presentment)` : record.txnType}</Fact>
        <Fact label="Record id">{record.recordId}</Fact>
        <Fact label="Network txn id">{record.networkTxnId}</Fact>
        <Fact label="ARN" isWide>
          {record.arn}
        </Fact>
        <Fact label="Card">{formatMaskedCard(record.panFirst6, record.panLast4)}</Fact>
        <Fact label="Auth code">{record.authCode}</Fact>
        <Fact label="Amount" isNumeric>
          {formatMoney(record.amountMinor, record.currency)}
        </Fact>
        <Fact label="Txn date">{record.txnDate}</Fact>
        <Fact label="Settlement date">{record.settlementDate}</Fact>
        <Fact label="MCC">{record.mcc}</Fact>
        <Fact label="Descriptor" isWide>
          {record.descriptor}
        </Fact>
        <Fact label="File and line" isWide>
          {formatSourceLine(record.fileName, record.lineNo)}
        </Fact>
      </dl>
    </>
  );
}

function LedgerPaymentFacts({ payment }: { payment: LedgerPaymentView }) {
  return (
    <>
      <h3>Ledger payment</h3>
      <dl className="detail-facts" aria-label="Ledger payment">
        <Fact label="Payment id">{payment.paymentId}</Fact>
        {/* As the ledger wrote it, with its offset: the offset decides the local date and the cut-off. */}
        <Fact label="Initiated at">{payment.initiatedAt}</Fact>
        <Fact label="Local date">{payment.localDate}</Fact>
        <Fact label="Business date">{payment.businessDate}</Fact>
        <Fact label="Amount" isNumeric>
          {formatMoney(payment.amountMinor, payment.currency)}
        </Fact>
        <Fact label="Status">{payment.status}</Fact>
        <Fact label="Funding network">{payment.fundingNetwork}</Fact>
        <Fact label="Card last 4">{payment.cardLast4}</Fact>
        <Fact label="Auth code">{payment.authCode}</Fact>
        <Fact label="Network txn id">{payment.networkTxnId}</Fact>
        <Fact label="File and line" isWide>
          {formatSourceLine(payment.fileName, payment.lineNo)}
        </Fact>
      </dl>
    </>
  );
}

function CandidatesTable({ candidates }: { candidates: Candidate[] }) {
  if (candidates.length === 0) return <p className="empty">No candidates</p>;
  return (
    <ScrollRegion label="Candidates, scrollable">
      <table className="data-table detail-table" aria-label="Candidates">
        <thead>
          <tr>
            <th scope="col">Side</th>
            <th scope="col">Reference</th>
            <th scope="col" className="numeric">
              Amount
            </th>
            <th scope="col">Date</th>
            <th scope="col">Status / type</th>
            <th scope="col">Card</th>
            <th scope="col">Auth code</th>
            <th scope="col">File:line</th>
          </tr>
        </thead>
        <tbody>
          {candidates.map((candidate) => {
            const row = candidateRow(candidate);
            return (
              <tr key={`${candidate.side}:${row.reference}:${row.source}`} data-testid="item-candidate">
                <td>{candidate.side}</td>
                <td>{row.reference}</td>
                <td className="numeric">{formatMoney(candidate.amountMinor, candidate.currency)}</td>
                <td>{row.date}</td>
                <td>{row.statusOrType}</td>
                <td>{orDash(row.cardLast4)}</td>
                <td>{orDash(candidate.authCode)}</td>
                <td>{row.source}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </ScrollRegion>
  );
}

/**
 * The records an open mismatch named that have been matched, sent to global finance or settled
 * since it was decided: shown so the associate knows where they went, never offered for pairing.
 */
function TakenCandidates({ detail }: { detail: ItemDetail }) {
  const taken = detail.takenCandidates ?? [];
  if (taken.length === 0 || detail.item.category !== 'MISMATCH' || detail.item.status !== 'OPEN') return null;
  return (
    <div className="taken-candidates">
      <p className="hint">No longer open for pairing:</p>
      <ul aria-label="Candidates no longer open">
        {taken.map((candidate) => (
          <li key={`${candidate.side}:${candidate.reference}`} data-testid="item-taken-candidate">
            {candidate.reference}: in {candidate.takenBy}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The columns a candidate fills, whichever side it is on. */
function candidateRow(candidate: Candidate): { reference: string; date: string; statusOrType: string; cardLast4: string; source: string } {
  const source = formatSourceLine(candidate.fileName, candidate.lineNo);
  if (candidate.side === 'NETWORK') {
    return {
      reference: `${candidate.network} ${candidate.recordId}`,
      date: candidate.txnDate,
      statusOrType: candidate.isSecondPresentment ? `${candidate.txnType} (2nd)` : candidate.txnType,
      cardLast4: candidate.panLast4,
      source,
    };
  }
  return { reference: candidate.paymentId, date: candidate.businessDate, statusOrType: candidate.status, cardLast4: candidate.cardLast4, source };
}

function HistoryList({ history }: { history: ItemDetail['history'] }) {
  if (history.length === 0) return <p className="empty">No history yet</p>;
  return (
    <ol className="history-list" aria-label="History">
      {history.map((entry, index) => (
        <li key={`${entry.at}:${index}`} className="history-entry">
          <div className="history-line">
            <time className="history-time" dateTime={entry.at}>
              {formatTimestamp(entry.at)}
            </time>
            <span className="history-actor">{entry.actor}</span>
            <span className="history-action">{entry.action}</span>
          </div>
          {entry.before !== null || entry.after !== null ? (
            <details className="history-change">
              <summary>Before and after</summary>
              <dl>
                <dt>Before</dt>
                <dd>
                  <code>{entry.before === null ? '—' : compactJson(entry.before)}</code>
                </dd>
                <dt>After</dt>
                <dd>
                  <code>{entry.after === null ? '—' : compactJson(entry.after)}</code>
                </dd>
              </dl>
            </details>
          ) : null}
        </li>
      ))}
    </ol>
  );
}

function Fact({ label, children, isNumeric = false, isWide = false }: { label: string; children: ReactNode; isNumeric?: boolean; isWide?: boolean }) {
  const classes = ['fact', isNumeric ? 'is-numeric' : '', isWide ? 'is-wide' : ''].filter(Boolean).join(' ');
  return (
    <div className={classes}>
      <dt>{label}</dt>
      <dd>{typeof children === 'string' ? orDash(children) : children}</dd>
    </div>
  );
}

/** The breakpoint in styles.css below which the panel sits under the queue instead of beside it. */
const STACKED_LAYOUT_QUERY = '(max-width: 1199px)';

function isPanelStacked(): boolean {
  return typeof window.matchMedia === 'function' && window.matchMedia(STACKED_LAYOUT_QUERY).matches;
}

/** Whether a key event comes from a place the associate types in. */
function isTextEntry(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLInputElement ||
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement ||
    (target instanceof HTMLElement && target.isContentEditable)
  );
}

/** A blank field shown as a dash, so "empty" reads as empty rather than as a rendering gap. */
function orDash(text: string): string {
  return text === '' ? '—' : text;
}
