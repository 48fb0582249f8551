// Schema version 20: files whose search keys are still to be written (issue 12). Filling a file's
// search keys (migration 16) was half of an ingest's time, all of it on the engine worker while
// the second core idled. The engine worker now commits a file's rows with a mark here, and a
// thread of its own (search-keyer-thread.ts) computes and writes the keys in its own transaction,
// which deletes the mark, while the worker reads the next file. A mark left behind (the process
// stopped between the two) is keyed the old way the next time the engine opens the store, so no
// stored row stays unsearchable; an ingest returns only once its files' marks are gone.
// Important: never edit once released.

export const searchPendingFiles = /* sql */ `
CREATE TABLE search_pending_files (
  file_id INTEGER PRIMARY KEY REFERENCES feed_files(id)
) STRICT;
`;
