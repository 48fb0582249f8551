import type { KeyboardEvent } from 'react';

/**
 * Enter in a note submits its form, as the keyboard triage expects (one key after the note);
 * Shift+Enter still starts a new line, and Enter that confirms an input method's text is left alone.
 */
export function submitOnEnter(event: KeyboardEvent<HTMLTextAreaElement>): void {
  if (event.key !== 'Enter' || event.shiftKey || event.ctrlKey || event.altKey || event.metaKey || event.nativeEvent.isComposing) return;
  event.preventDefault();
  event.currentTarget.form?.requestSubmit();
}
