import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultDatabasePath, defaultReportsDir, userDataDir, workstationFolders } from '../../../main/engine/app-paths';

describe('the per-user app-data folder the CLI shares with the desktop app', () => {
  it('follows each platform convention, as Electron userData does', () => {
    expect(userDataDir({ XDG_CONFIG_HOME: '/x/config' }, 'linux')).toBe(path.join('/x/config', 'Recon Workstation'));
    expect(userDataDir({}, 'linux')).toBe(path.join(os.homedir(), '.config', 'Recon Workstation'));
    expect(userDataDir({}, 'darwin')).toBe(path.join(os.homedir(), 'Library', 'Application Support', 'Recon Workstation'));
    expect(userDataDir({ APPDATA: 'C:\\Users\\ana\\AppData\\Roaming' }, 'win32')).toBe(
      path.join('C:\\Users\\ana\\AppData\\Roaming', 'Recon Workstation'),
    );
  });
  it('lets RECON_DB and RECON_REPORTS override the defaults', () => {
    expect(defaultDatabasePath({ RECON_DB: '/data/recon.db' })).toBe('/data/recon.db');
    expect(defaultDatabasePath({ XDG_CONFIG_HOME: '/c' })).toBe(path.join('/c', 'Recon Workstation', 'recon.db'));
    expect(defaultReportsDir({ RECON_REPORTS: '/r' })).toBe('/r');
  });
  it('puts every folder of the workstation under RECON_DATA_DIR, each still movable on its own', () => {
    expect(workstationFolders({ RECON_DATA_DIR: '/d' })).toEqual({
      dataDir: '/d',
      dbPath: path.join('/d', 'recon.db'),
      inboxFolder: path.join('/d', 'inbox'),
      reportsFolder: path.join('/d', 'reports'),
      receivedFolder: path.join('/d', 'received'),
      profilesDir: path.join('/d', 'profiles'),
    });
    expect(workstationFolders({ RECON_DATA_DIR: '/d', RECON_INBOX: '/share/in' }).inboxFolder).toBe('/share/in');
  });
});
