// Schema version 8: the Today board's trend counts the mismatches open at each of the last 14
// cut-offs. Those are the items still open plus the ones closed since the first of those dates;
// without this index that meant reading every mismatch the store ever held (closed ones stay).
// Covering (opened_on is in it), so the count never touches the table.
// Important: never edit once released.
export const todayIndexes = /* sql */ `
CREATE INDEX items_closed_on ON items (category, closed_on, opened_on);
`;
