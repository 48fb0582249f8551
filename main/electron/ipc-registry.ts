import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import { RECON_CHANNELS, type ApiReply } from '../../shared/ipc/recon-api';
import type { Workstation } from '../engine/api/workstation';

/**
 * Serves every channel of the contract, and only those, from the workstation. A call from a
 * frame that is not the app's own page (an injected frame, a page navigated elsewhere) is
 * refused before any handler runs. ipcMain.handle throws when a channel is registered twice.
 */
export function registerReconIpc(workstation: Workstation, isOwnPage: (url: string) => boolean): () => void {
  const channels = Object.keys(RECON_CHANNELS);
  for (const channel of channels) {
    ipcMain.handle(channel, async (event: IpcMainInvokeEvent, argument: unknown): Promise<ApiReply<unknown>> => {
      const url = event.senderFrame?.url ?? '';
      if (!isOwnPage(url)) {
        return { ok: false, error: { code: 'forbidden', message: `A page that is not the workstation's own (${url || 'unknown'}) was refused.` } };
      }
      return workstation.call(channel, argument);
    });
  }
  return () => {
    for (const channel of channels) ipcMain.removeHandler(channel);
  };
}
