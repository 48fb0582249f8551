// The OS secret store as the team sign-in's SecretBox (main/engine/team-credentials.ts): the
// macOS Keychain, Windows DPAPI, or a Linux keyring. A Linux desktop without a keyring would get
// a key written into Electron itself ("basic_text"), which protects nothing: refused.

import { safeStorage } from 'electron';
import type { SecretBox } from '../engine/team-credentials';

/** Electron's safeStorage, refusing where it would not really protect the password. */
export const osSecretBox: SecretBox = {
  async unavailableReason() {
    if (!(await safeStorage.isAsyncEncryptionAvailable())) return 'this computer offers Recon Workstation no secret store (the system keychain or keyring).';
    if (process.platform === 'linux' && ['basic_text', 'unknown'].includes(safeStorage.getSelectedStorageBackend())) {
      return 'this Linux desktop has no keyring (GNOME Keyring or KWallet) to keep it in.';
    }
    return undefined;
  },
  seal: (secret) => safeStorage.encryptStringAsync(secret),
  async open(sealed) {
    return (await safeStorage.decryptStringAsync(sealed)).result;
  },
};
