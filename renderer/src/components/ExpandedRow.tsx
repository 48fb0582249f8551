import type { ReactNode } from 'react';

/**
 * The row that opens under a table row to show more of it (quarantined rows, an unpair form).
 * It spans every column so its content gets the table's full width; `id` lets the opening
 * button point at it with aria-controls.
 */
export function ExpandedRow({ columnCount, id, children }: { columnCount: number; id?: string; children: ReactNode }) {
  return (
    <tr className="expanded-row">
      <td colSpan={columnCount} id={id}>
        {children}
      </td>
    </tr>
  );
}
