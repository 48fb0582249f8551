// The one rendering of binary-feed text for messages and quarantined rows, shared by the IPM and
// Base II readers so a byte shows the same whichever network sent it.

// C0 controls, DEL, the C1 controls and the no-break space. Important: U+00A0 is included
// because it looks like a space in every message while being another byte; EBCDIC writes it as
// 0x41 (the "required space"), so a field holding one would read as if it held a blank.
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u00a0]/g;

/** The text with every control character and the no-break space shown as '.'. */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, '.');
}
