import type { TodayBoard } from '../../../../shared/ipc/recon-api';
import { formatCount } from '../../format/display';
import { CATEGORY_LABELS, formatTotals, totalsInOrder } from './today-format';

/** Open items per category and reason: how many, and how much per currency. */
export function OpenItemsTable({ openItems }: { openItems: TodayBoard['openItems'] }) {
  const total = openItems.reduce((sum, group) => sum + group.items, 0);
  return (
    <section className="panel today-open" aria-labelledby="today-open-heading">
      <h3 id="today-open-heading">Open items</h3>
      {openItems.length === 0 ? (
        <p className="empty">No open items.</p>
      ) : (
        <table className="data-table" aria-label="Open items by category and reason">
          <thead>
            <tr>
              <th scope="col">Category</th>
              <th scope="col">Reason</th>
              <th scope="col" className="numeric">
                Items
              </th>
              <th scope="col" className="numeric">
                Amount
              </th>
            </tr>
          </thead>
          <tbody>
            {openItems.map((group) => (
              <tr key={`${group.category}:${group.reason}`}>
                <td className="today-category">{CATEGORY_LABELS[group.category]}</td>
                <td>{group.reason}</td>
                <td className="numeric">{formatCount(group.items)}</td>
                <td className="numeric">
                  {totalsInOrder(group.totals).map(([currency, amount]) => (
                    <span key={currency} className="today-amount">
                      {formatTotals({ [currency]: amount })}
                    </span>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row" colSpan={2}>
                All open items
              </th>
              <td className="numeric">{formatCount(total)}</td>
              <td />
            </tr>
          </tfoot>
        </table>
      )}
      {openItems.some((group) => group.category === 'GLOBAL_FINANCE') ? (
        <p className="hint">Global-finance amounts are what is to be resettled: positive is paid back to the customer, negative recovered.</p>
      ) : null}
    </section>
  );
}
