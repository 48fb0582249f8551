import type { IngestOutcome } from '../../../shared/ipc/engine-results';
import type { ReconApi } from '../../../shared/ipc/recon-api';
import { errorMessage, getReconApi, unwrapReply } from '../api/recon-bridge';
import type { ReconSliceCreator } from './recon-state';

// The contract takes at most 100 uploads per call; the byte budget keeps one call's copies
// (renderer, bridge, engine) from holding hundreds of megabytes at once.
const UPLOADS_PER_CALL = 100;
const UPLOAD_BYTES_PER_CALL = 64 * 1024 * 1024;
const PATHS_PER_CALL = 1000;

/** The drop zone's work: files handed over, the engine's verdict on each. */
export type IngestSlice = {
  isIngesting: boolean;
  /** Files handed over while an ingest ran; they go next, in the order they came. */
  queuedFiles: File[];
  dropOutcomes: IngestOutcome[];
  ingestError: string | undefined;
  /** Ingests the files, or, while an ingest runs, queues them to follow it. */
  ingestFiles: (files: readonly File[]) => Promise<void>;
};

export const createIngestSlice: ReconSliceCreator<IngestSlice> = (set, get) => ({
  isIngesting: false,
  queuedFiles: [],
  dropOutcomes: [],
  ingestError: undefined,
  ingestFiles: async (files) => {
    if (files.length === 0) return;
    if (get().isIngesting) {
      set((state) => ({ queuedFiles: [...state.queuedFiles, ...files] }));
      return;
    }
    set({ isIngesting: true, dropOutcomes: [], ingestError: undefined });
    let batch: readonly File[] = files;
    let hasFailed = false;
    try {
      while (batch.length > 0) {
        const { outcomes, error } = await ingestBatch(batch);
        // One drop zone list for everything handed over since the zone was last idle.
        set((state) => ({ dropOutcomes: [...state.dropOutcomes, ...outcomes] }));
        if (outcomes.length > 0) get().addOutcomes('drop', outcomes);
        if (error !== undefined) {
          hasFailed = true;
          set({ ingestError: error });
          get().addMessage(error, { source: 'drop', isError: true });
        }
        batch = get().queuedFiles;
        set({ queuedFiles: [] });
      }
    } finally {
      set({ isIngesting: false });
    }
    // Each successful call made main send `store-changed`, whose reload shows the new status and
    // imports; a failed call sends none, yet may have stored part of its files.
    if (hasFailed) await Promise.all([get().refreshStatus(), get().refreshImports()]);
  },
});

/** Ingests one drop's files: their outcomes, and what went wrong if a call failed part way. */
async function ingestBatch(files: readonly File[]): Promise<{ outcomes: IngestOutcome[]; error: string | undefined }> {
  const outcomes: IngestOutcome[] = [];
  try {
    const api = getReconApi();
    const paths = files.map((file) => api.pathForFile(file));
    // Important: only the shell knows real paths; the browser bridge returns '' and the files
    // must travel as bytes. The engine detects each format from content, so names are only labels.
    if (paths.every((path) => path !== '')) {
      for (const batch of chunk(paths, PATHS_PER_CALL)) {
        outcomes.push(...unwrapReply(await api.ingestPaths({ paths: batch })));
      }
    } else {
      for (const batch of uploadBatches(files)) {
        outcomes.push(...(await uploadBatch(api, batch)));
      }
    }
    return { outcomes, error: undefined };
  } catch (error) {
    return { outcomes, error: errorMessage(error) };
  }
}

async function uploadBatch(api: ReconApi, batch: readonly File[]): Promise<IngestOutcome[]> {
  // The browser bridge takes each file as it is and streams it to disk: no copy of its bytes here.
  if (api.uploadFile) {
    const outcomes: IngestOutcome[] = [];
    for (const file of batch) outcomes.push(...unwrapReply(await api.uploadFile(file, uploadName(file.name))));
    return outcomes;
  }
  const uploads = await Promise.all(
    batch.map(async (file) => ({ name: uploadName(file.name), bytes: new Uint8Array(await file.arrayBuffer()) })),
  );
  return unwrapReply(await api.ingestUploads({ files: uploads }));
}

// The contract refuses anything that looks like a path; browsers give bare names, but a
// synthetic File can carry anything.
function uploadName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  return base === '' || base === '.' || base === '..' ? 'upload' : base.slice(0, 255);
}

function uploadBatches(files: readonly File[]): File[][] {
  const batches: File[][] = [];
  let current: File[] = [];
  let currentBytes = 0;
  for (const file of files) {
    const isFull = current.length >= UPLOADS_PER_CALL || (current.length > 0 && currentBytes + file.size > UPLOAD_BYTES_PER_CALL);
    if (isFull) {
      batches.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(file);
    currentBytes += file.size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

function chunk<Item>(items: readonly Item[], size: number): Item[][] {
  const chunks: Item[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}
