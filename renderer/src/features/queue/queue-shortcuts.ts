// The queue's keyboard triage: which key does what, and how a key reaches the part of the view
// that acts on it. The workspace reads the keys; the list and the item's forms subscribe to the
// commands they carry out, so no component reaches into another's DOM.

import { createContext, useContext, useEffect, useRef } from 'react';

/** What a shortcut asks the open item's panel (or the list) to do. */
export type ShortcutCommand =
  | { type: 'move'; delta: 1 | -1 }
  | { type: 'pair' }
  | { type: 'writeOff' }
  | { type: 'globalFinance' }
  | { type: 'note' }
  | { type: 'approve' }
  | { type: 'markDone' }
  /** Selects or unselects the row at the cursor for a bulk action; `extend` selects from the last one toggled to it. */
  | { type: 'select'; extend: boolean }
  /** The n-th (1-based) ranked candidate of the open pairing workbench. */
  | { type: 'pickCandidate'; rank: number };

/** A subscriber answers true when it carried the command out. */
export type ShortcutListener = (command: ShortcutCommand) => boolean;

/** The workspace's command bus: subscribers come and go with the forms that are on screen. */
export type ShortcutBus = {
  subscribe: (listener: ShortcutListener) => () => void;
  /** Hands the command to every subscriber; true when one of them carried it out. */
  dispatch: (command: ShortcutCommand) => boolean;
};

/** A bus with no subscribers yet. */
export function createShortcutBus(): ShortcutBus {
  const listeners = new Set<ShortcutListener>();
  return {
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    dispatch: (command) => {
      let isHandled = false;
      for (const listener of [...listeners]) isHandled = listener(command) || isHandled;
      return isHandled;
    },
  };
}

/** The queue workspace's bus; outside it (a panel rendered alone) commands simply never come. */
export const ShortcutBusContext = createContext<ShortcutBus | undefined>(undefined);

/** Runs `listener` for every command while the component is mounted; the latest listener is always the one called. */
export function useShortcutCommands(listener: ShortcutListener): void {
  const bus = useContext(ShortcutBusContext);
  const latest = useRef(listener);
  useEffect(() => {
    latest.current = listener;
  });
  useEffect(() => bus?.subscribe((command) => latest.current(command)), [bus]);
}

/** One line of the shortcuts dialog. */
export type ShortcutHelp = { keys: string[]; does: string };

/** Every shortcut of the queue, as the `?` dialog and the README list them. */
export const QUEUE_SHORTCUTS: { group: string; shortcuts: ShortcutHelp[] }[] = [
  {
    group: 'The list',
    shortcuts: [
      { keys: ['j', '↓'], does: 'Next row' },
      { keys: ['k', '↑'], does: 'Previous row' },
      { keys: ['Enter'], does: 'Open the row’s item' },
      { keys: ['Esc'], does: 'Close the item and go back to its row in the list (in a field: leave the field first)' },
      { keys: ['x'], does: 'Select or unselect the row for a bulk action (also Ctrl/Cmd+click)' },
      { keys: ['Shift', 'x'], does: 'Select every row from the last one selected to this one (also Shift+click)' },
      { keys: ['Ctrl', 'A'], does: 'In the list: select all items of the filter' },
      { keys: ['Ctrl', 'K'], does: 'Search everywhere (any view, even in a field): open items, closed items, matches' },
    ],
  },
  {
    group: 'The open item (each only when the item offers it)',
    shortcuts: [
      { keys: ['p'], does: 'Pair by hand: opens the pairing workbench over the list (Esc goes back to the row)' },
      { keys: ['1', '…', '5'], does: 'In the pairing workbench: pick the ranked candidate (Space toggles the focused one)' },
      { keys: ['w'], does: 'Write off' },
      { keys: ['g'], does: 'Send to global finance' },
      { keys: ['n'], does: 'Note' },
      { keys: ['a'], does: 'Approve a resettlement' },
      { keys: ['d'], does: 'Mark a resettlement done' },
      { keys: ['u'], does: 'Undo your last action' },
    ],
  },
  {
    group: 'In a form',
    shortcuts: [
      { keys: ['1', '…', '9'], does: 'In a reason-code list: pick the code in that place and go on to the note' },
      { keys: ['Enter'], does: 'In a note: submit the form (Shift+Enter starts a new line)' },
      { keys: ['?'], does: 'This list' },
    ],
  },
];

/** The fewest keys that resolve an AMOUNT_DIFF, as the dialog and the README state it. */
export const AMOUNT_DIFF_SEQUENCE =
  'Three keys and the note: w opens the write-off, 1 picks the first reason code and moves on to the note, Enter writes it off; the next open item opens.';

/** Whether a key event comes from a place the associate types in (a text field, a list box, editable text). */
export function isTextEntry(target: EventTarget | null): boolean {
  if (target instanceof HTMLInputElement) return !NON_TEXT_INPUTS.has(target.type);
  return (
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement ||
    (target instanceof HTMLElement && target.isContentEditable)
  );
}

// Inputs that take no typing: a letter pressed on them is a shortcut, not text.
const NON_TEXT_INPUTS = new Set(['radio', 'checkbox', 'button', 'submit', 'reset']);

/** The command a key stands for, or undefined; arrows only count inside the list, where they do not scroll anything else. */
export function commandForKey(key: string, isInList: boolean): ShortcutCommand | undefined {
  switch (key) {
    case 'j':
      return { type: 'move', delta: 1 };
    case 'k':
      return { type: 'move', delta: -1 };
    case 'ArrowDown':
      return isInList ? { type: 'move', delta: 1 } : undefined;
    case 'ArrowUp':
      return isInList ? { type: 'move', delta: -1 } : undefined;
    case 'p':
      return { type: 'pair' };
    case 'w':
      return { type: 'writeOff' };
    case 'g':
      return { type: 'globalFinance' };
    case 'n':
      return { type: 'note' };
    case 'a':
      return { type: 'approve' };
    case 'd':
      return { type: 'markDone' };
    case 'x':
      return { type: 'select', extend: false };
    case 'X':
      return { type: 'select', extend: true };
    default:
      return /^[1-5]$/.test(key) ? { type: 'pickCandidate', rank: Number(key) } : undefined;
  }
}

/** Focuses the first field of a form (and brings it into view), for a shortcut that opens it. */
export function focusFirstField(form: HTMLElement | null): boolean {
  const field = form?.querySelector<HTMLElement>('select:not(:disabled), textarea:not(:disabled), input:not(:disabled)');
  if (!field) return false;
  field.focus();
  if (typeof field.scrollIntoView === 'function') field.scrollIntoView({ block: 'nearest' });
  return true;
}
