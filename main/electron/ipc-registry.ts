import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import { RECON_CHANNELS, type ApiReply } from '../../shared/ipc/recon-api';
import type { Workstation } from '../engine/api/workstation';
import { senderRefusal } from './sender-check';

/**
 * Serves every channel of the contract, and only those, from the workstation. A call from a
 * frame that is not the window's main frame showing the app's own page (an injected frame, a
 * page navigated elsewhere) is refused before any handler runs. ipcMain.handle throws when a
 * channel is registered twice.
 */
export function registerReconIpc(workstation: Workstation, isOwnPage: (url: string) => boolean): () => void {
  const channels = Object.keys(RECON_CHANNELS);
  for (const channel of channels) {
    ipcMain.handle(channel, async (event: IpcMainInvokeEvent, argument: unknown): Promise<ApiReply<unknown>> => {
      const refusal = senderRefusal({ senderFrame: event.senderFrame, mainFrame: event.sender.mainFrame }, isOwnPage);
      if (refusal !== undefined) return { ok: false, error: { code: 'forbidden', message: refusal } };
      return workstation.handleRequest(channel, argument);
    });
  }
  return () => {
    for (const channel of channels) ipcMain.removeHandler(channel);
  };
}
