import type { ItemDetail } from '../../../shared/ipc/recon-api';
import { errorMessage, getReconApi, unwrapReply } from '../api/recon-bridge';
import type { ReconSliceCreator } from './recon-state';

/** The one open item the associate is reading: its records, candidates, explanation and history. */
export type ItemDetailSlice = {
  selectedItemId: number | undefined;
  itemDetail: ItemDetail | undefined;
  isItemDetailLoading: boolean;
  itemDetailError: string | undefined;
  /**
   * The detail on screen is older than the store: reloading it failed. Its actions stay off until
   * a reload succeeds, so nobody acts on what may no longer be so.
   */
  isItemDetailStale: boolean;
  /** Bumped by every request and by closing, so a reply that is no longer the latest is dropped. */
  itemDetailGeneration: number;
  openItem: (id: number) => Promise<void>;
  /** Loads the open item again (after the store changed); nothing when no item is open. */
  reloadItem: () => Promise<void>;
  closeItem: () => void;
  /** The pairing workbench is open over the queue for the open item; forgotten with the item. */
  isPairingOpen: boolean;
  openPairing: () => void;
  closePairing: () => void;
};

export const createItemDetailSlice: ReconSliceCreator<ItemDetailSlice> = (set, get) => {
  async function loadDetail(id: number): Promise<void> {
    const generation = get().itemDetailGeneration + 1;
    set({ itemDetailGeneration: generation, isItemDetailLoading: true });
    // Important: replies can arrive out of order (a slow first click, a fast second one). Only the
    // latest request for the item still selected may write, or the panel would show another item.
    const isCurrent = () => get().itemDetailGeneration === generation && get().selectedItemId === id;
    try {
      const itemDetail = unwrapReply(await getReconApi().itemDetail({ id }));
      if (isCurrent()) set({ itemDetail, itemDetailError: undefined, isItemDetailStale: false });
    } catch (error) {
      if (isCurrent()) set((state) => ({ itemDetailError: errorMessage(error), isItemDetailStale: state.itemDetail !== undefined }));
    } finally {
      if (isCurrent()) set({ isItemDetailLoading: false });
    }
  }

  return {
    selectedItemId: undefined,
    itemDetail: undefined,
    isItemDetailLoading: false,
    itemDetailError: undefined,
    isItemDetailStale: false,
    itemDetailGeneration: 0,
    isPairingOpen: false,
    openPairing: () => set({ isPairingOpen: get().selectedItemId !== undefined }),
    closePairing: () => set({ isPairingOpen: false }),
    openItem: async (id) => {
      // Another item starts empty, so one item's facts never sit under the next one's heading;
      // the same item keeps what it shows until the fresh reply replaces it.
      if (get().selectedItemId !== id) {
        set({ selectedItemId: id, itemDetail: undefined, itemDetailError: undefined, isItemDetailStale: false, isPairingOpen: false });
        get().resetItemWork();
      }
      await loadDetail(id);
    },
    reloadItem: async () => {
      const id = get().selectedItemId;
      if (id !== undefined) await loadDetail(id);
    },
    closeItem: () => {
      set((state) => ({
        selectedItemId: undefined,
        itemDetail: undefined,
        isItemDetailLoading: false,
        itemDetailError: undefined,
        isItemDetailStale: false,
        itemDetailGeneration: state.itemDetailGeneration + 1,
        isPairingOpen: false,
      }));
      get().resetItemWork();
    },
  };
};
