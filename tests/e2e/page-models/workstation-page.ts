import fs from 'node:fs';
import path from 'node:path';
import { expect, type Locator, type Page } from '@playwright/test';

/** The window as an associate sees it: sections, the drop zone, outcomes, tables. */
export class WorkstationPage {
  constructor(
    readonly page: Page,
    readonly host: 'browser' | 'electron',
  ) {}

  /** Opens a section from the nav: 'Today' (where the window opens), 'Import', 'Queue', 'Matching & reports', 'Status'. */
  async open(section: string): Promise<void> {
    await this.page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: section, exact: true }).click();
  }

  get dropZone(): Locator {
    return this.page.getByTestId('drop-zone');
  }

  /** What the drop zone says became of each file. */
  get outcomes(): Locator {
    return this.page.getByTestId('ingest-outcome');
  }

  outcome(fileName: string): Locator {
    return this.outcomes.filter({ hasText: fileName });
  }

  /**
   * Drags files from disk onto the drop zone, as the operating system would: a DataTransfer
   * holding File objects, through dragenter, dragover and drop.
   */
  async dropFiles(files: readonly string[]): Promise<void> {
    const payload = files.map((file) => ({ name: path.basename(file), base64: fs.readFileSync(file).toString('base64') }));
    const dataTransfer = await this.page.evaluateHandle((entries) => {
      const transfer = new DataTransfer();
      for (const entry of entries) {
        const bytes = Uint8Array.from(atob(entry.base64), (character) => character.charCodeAt(0));
        transfer.items.add(new File([bytes], entry.name));
      }
      return transfer;
    }, payload);
    for (const type of ['dragenter', 'dragover', 'drop']) await this.dropZone.dispatchEvent(type, { dataTransfer });
  }

  /** Picks files with the drop zone's "Choose files…" button. */
  async chooseFiles(files: readonly string[]): Promise<void> {
    const chooser = this.page.waitForEvent('filechooser');
    await this.dropZone.getByRole('button', { name: 'Choose files…' }).click();
    await (await chooser).setFiles([...files]);
  }

  get importRows(): Locator {
    return this.page.getByTestId('import-row');
  }

  get activity(): Locator {
    return this.page.getByTestId('activity-entry');
  }

  get queueRows(): Locator {
    return this.page.getByTestId('queue-row');
  }

  /** Runs matching from the Matching & reports view, as of the last closed date, and waits for its result. */
  async matchNow(): Promise<void> {
    await this.open('Matching & reports');
    await this.page.getByRole('button', { name: 'Match now' }).click();
    await expect(this.page.getByTestId('matching-result')).toBeVisible();
  }

  get matchRows(): Locator {
    return this.page.getByTestId('match-row');
  }

  /** The Matches view's row of one match (drawn only while in view). */
  matchRow(matchId: string): Locator {
    return this.matchRows.and(this.page.locator(`[data-match-id="${matchId}"]`));
  }

  /** From the Matches view: opens the match's unpair form under the list and returns it. */
  async openUnpairForm(matchId: string): Promise<Locator> {
    await this.matchRow(matchId).getByRole('button', { name: 'Unpair' }).click();
    return this.page.getByRole('form', { name: `Unpair match ${matchId}` });
  }

  /** Unpairs the match with a reason code and a note, as its form asks. */
  async unpairMatch(matchId: string, reasonCode: string, note: string): Promise<void> {
    const form = await this.openUnpairForm(matchId);
    await this.chooseReasonCode(form, reasonCode);
    await form.getByLabel('Note').fill(note);
    await form.getByRole('button', { name: 'Unpair' }).click();
  }

  /** A section of the Approvals view: 'Awaiting my approval', 'My submissions', 'Approved, waiting for the transfer'. */
  approvalsSection(name: string): Locator {
    return this.page.getByRole('region', { name: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(`) });
  }

  /** The entries of an Approvals section that mention `text` (a record id, a payment id). */
  approvalEntries(section: string, text: string): Locator {
    return this.approvalsSection(section).getByTestId('approval-entry').filter({ hasText: text });
  }

  /** Chooses one of the rules' reason codes in a form. */
  async chooseReasonCode(form: Locator, code: string): Promise<void> {
    await form.getByLabel('Reason code').selectOption(code);
  }

  /**
   * From the Queue: pairs the record's item with the payment by hand, a difference above the
   * write-off limit, so that it asks a second associate's approval; returns the item panel.
   */
  async requestPairingApproval(recordId: string, paymentId: string, reasonCode: string, note: string): Promise<Locator> {
    await this.open('Queue');
    await this.queueRows.filter({ hasText: recordId }).click();
    const detail = this.page.getByTestId('item-detail');
    await detail.getByRole('button', { name: 'Pair by hand' }).click();
    const form = detail.getByRole('form', { name: 'Pair by hand' });
    await form.getByRole('table', { name: 'Ledger payments' }).getByRole('radio', { name: `Select ${paymentId}` }).check();
    await this.chooseReasonCode(form, reasonCode);
    await form.getByLabel('Note').fill(note);
    await form.getByRole('button', { name: 'Request approval' }).click();
    return detail;
  }
}
