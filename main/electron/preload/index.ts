// The window's only door to main: one named function per channel of the contract, events, and
// a dropped file's path. Important: never expose ipcRenderer itself; a page that could call it
// could send anything on any channel.

import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { API_FUNCTIONS, EVENT_CHANNEL, type ReconApi, type ReconEvent } from '../../../shared/ipc/recon-api';

type ApiFunctions = Omit<ReconApi, 'onEvent' | 'pathForFile'>;

// One function per channel of the contract, each sending its argument on its own channel.
const functions = Object.fromEntries(
  Object.entries(API_FUNCTIONS).map(([name, channel]) => [name, (argument: unknown) => ipcRenderer.invoke(channel, argument)]),
) as unknown as ApiFunctions;

const api = {
  ...functions,
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
