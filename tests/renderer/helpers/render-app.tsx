import { cleanup, render } from '@testing-library/react';
import { App } from '../../../renderer/src/App';
import { useReconStore } from '../../../renderer/src/store/recon-store';
import { FakeReconApi } from './fake-recon-api';
import { fillJsdomGaps } from './jsdom-gaps';

fillJsdomGaps();

/** Puts a fresh fake on `window.recon`, empties the store and renders the whole window. */
export function renderApp(fake = new FakeReconApi()) {
  installFake(fake);
  const view = render(<App />);
  return { fake, ...view };
}

/** Puts `fake` on `window.recon` and gives the store its initial state. */
export function installFake(fake: FakeReconApi): FakeReconApi {
  window.recon = fake.api;
  // What the window keeps across reloads (the queue's filter, saved views) starts empty too.
  window.localStorage.clear();
  useReconStore.setState(useReconStore.getInitialState(), true);
  return fake;
}

/** Unmounts, removes the bridge and resets the store, so tests cannot see each other. */
export function resetWindow(): void {
  cleanup();
  delete window.recon;
  useReconStore.setState(useReconStore.getInitialState(), true);
}
