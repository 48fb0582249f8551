// The window's only door to main: one named function per channel of the contract, events, and
// a dropped file's path. Important: never expose ipcRenderer itself; a page that could call it
// could send anything on any channel.

import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { apiFunctionsOver, EVENT_CHANNEL, type ReconApi, type ReconEvent } from '../../../shared/ipc/recon-api';

const api = {
  // One function per channel of the contract, each sending its argument on its own channel.
  ...apiFunctionsOver((channel, argument) => ipcRenderer.invoke(channel, argument)),
  onEvent(listener: (event: ReconEvent) => void) {
    const forward = (_event: IpcRendererEvent, event: ReconEvent): void => listener(event);
    ipcRenderer.on(EVENT_CHANNEL, forward);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, forward);
    };
  },
  // Electron 32 removed File.path; webUtils is how a sandboxed preload learns where a dropped file lives.
  pathForFile(file: object) {
    return webUtils.getPathForFile(file as File);
  },
} satisfies ReconApi;

contextBridge.exposeInMainWorld('recon', api);
