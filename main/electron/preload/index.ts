// The window's only door to main: one named function per channel of the contract, events, and
// a dropped file's path. Important: never expose ipcRenderer itself; a page that could call it
// could send anything on any channel.

import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { API_FUNCTIONS, EVENT_CHANNEL, type ReconApi, type ReconEvent } from '../../../shared/ipc/recon-api';

type ApiFunctionName = keyof typeof API_FUNCTIONS;

function invoker<Name extends ApiFunctionName>(name: Name): ReconApi[Name] {
  return ((argument: unknown) => ipcRenderer.invoke(API_FUNCTIONS[name], argument)) as ReconApi[Name];
}

const api = {
  readStatus: invoker('readStatus'),
  ingestPaths: invoker('ingestPaths'),
  ingestUploads: invoker('ingestUploads'),
  recentFeeds: invoker('recentFeeds'),
  quarantinedRows: invoker('quarantinedRows'),
  runMatching: invoker('runMatching'),
  writeReports: invoker('writeReports'),
  queuePage: invoker('queuePage'),
  itemDetail: invoker('itemDetail'),
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
