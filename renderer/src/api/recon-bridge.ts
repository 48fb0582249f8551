// The window's only way to the engine. `window.recon` is put there by the Electron preload or,
// in a plain browser, by the loopback test bridge; both implement the same contract, so nothing
// here knows which one it talks to.

import type { ApiErrorCode, ApiReply, ReconApi } from '../../../shared/ipc/recon-api';

declare global {
  // An interface, not a type: only an interface merges into the DOM's own Window.
  interface Window {
    recon?: ReconApi;
  }
}

/** Why the bridge refused: the engine's own code, or `not-connected` when there is no bridge at all. */
export type BridgeErrorCode = ApiErrorCode | 'not-connected';

/** A failed call, with a message a finance associate can read. */
export class ApiError extends Error {
  readonly code: BridgeErrorCode;

  constructor(code: BridgeErrorCode, message: string) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
  }
}

/** The sentence the window shows when it was opened without a bridge. */
export const NOT_CONNECTED_MESSAGE = "This window is not connected to the workstation's engine.";

/** Whether a bridge is present. */
export function hasReconApi(): boolean {
  return window.recon !== undefined;
}

/** The bridge, or an ApiError saying the window is not connected. */
export function getReconApi(): ReconApi {
  const api = window.recon;
  if (!api) throw new ApiError('not-connected', NOT_CONNECTED_MESSAGE);
  return api;
}

/** The reply's value, or its error thrown as an ApiError. */
export function unwrapReply<Value>(reply: ApiReply<Value>): Value {
  if (reply.ok) return reply.value;
  throw new ApiError(reply.error.code, reply.error.message);
}

/** The text to show for anything a call threw: the engine's message, never a stack. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error && error.message) return error.message;
  if (typeof error === 'string' && error) return error;
  return 'The workstation could not complete the request.';
}
