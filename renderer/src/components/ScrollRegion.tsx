import type { ReactNode } from 'react';

/**
 * A table that may scroll sideways, as a named region the keyboard can reach: focused, the arrow
 * keys scroll it, so columns cut off at the panel's edge are never out of a keyboard user's reach.
 */
export function ScrollRegion({ label, children }: { label: string; children: ReactNode }) {
  return (
    // A focusable region is how WCAG (and axe's scrollable-region-focusable) wants a scrolling box.
    <div className="table-scroll" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}
