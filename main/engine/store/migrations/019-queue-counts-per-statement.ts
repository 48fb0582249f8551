// Schema version 19: the queue's kept counts written once per statement on the team store (issue
// 13). On PostgreSQL, a row trigger made every item of a bulk action or a run's closes update the
// same counts row within one transaction, each update slower than the last as that row's dead
// versions piled up; statement-level triggers over the statement's old and new rows now write
// each key once (postgres/schema.ts). SQLite keeps its row triggers (017-queue-counts.ts): an
// update there rewrites the row in place. The step is kept, empty, so both stores count their
// versions alike.
// Important: never edit once released.

export const queueCountsPerStatement = '';
