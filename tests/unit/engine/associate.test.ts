import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { IdentityRefusedError, signedInAssociate } from '../../../main/engine/associate';
import { tempDir } from '../../helpers/store';

const root = path.resolve(import.meta.dirname, '..', '..', '..');
const osUser = (): string => 'ana.lopez';

describe('the associate a workstation acts as', () => {
  it('is the signed-in OS user when RECON_ACTOR is not set', () => {
    expect(signedInAssociate({}, { isPackaged: false, osUser })).toBe('ana.lopez');
    expect(signedInAssociate({ RECON_ACTOR: '  ' }, { isPackaged: true, osUser })).toBe('ana.lopez');
    expect(signedInAssociate({ RECON_TEST_IDENTITY: '1' }, { isPackaged: false, osUser })).toBe('ana.lopez');
    expect(signedInAssociate({}, { isPackaged: false })).toBe(os.userInfo().username);
  });

  it('takes RECON_ACTOR only in a test session of an unpackaged build', () => {
    expect(signedInAssociate({ RECON_ACTOR: 'ben', RECON_TEST_IDENTITY: '1' }, { isPackaged: false, osUser })).toBe('ben');
  });

  it('refuses RECON_ACTOR without the test switch, saying who the associate is and what to do', () => {
    for (const env of [{ RECON_ACTOR: 'ana.lopez2' }, { RECON_ACTOR: 'ana.lopez2', RECON_TEST_IDENTITY: 'yes' }]) {
      expect(() => signedInAssociate(env, { isPackaged: false, osUser })).toThrow(IdentityRefusedError);
      expect(() => signedInAssociate(env, { isPackaged: false, osUser })).toThrow(
        'RECON_ACTOR is set (to "ana.lopez2"), but the associate is the signed-in user, ana.lopez: another name is taken only in a test session (RECON_TEST_IDENTITY=1), never for real work. Unset RECON_ACTOR to work as ana.lopez.',
      );
    }
  });

  it('never honours RECON_ACTOR in a packaged app, even with the test switch', () => {
    expect(() => signedInAssociate({ RECON_ACTOR: 'ben', RECON_TEST_IDENTITY: '1' }, { isPackaged: true, osUser })).toThrow(
      'RECON_ACTOR is set (to "ben"), but an installed Recon Workstation always acts as the signed-in user, ana.lopez: another associate signs in with their own account. Unset RECON_ACTOR and start it again.',
    );
  });

  it('stops the browser workstation before it opens anything when RECON_ACTOR is set outside a test session', () => {
    const dataDir = tempDir('recon-identity-');
    const env: NodeJS.ProcessEnv = { ...process.env, RECON_DATA_DIR: dataDir, RECON_DB: '', RECON_ACTOR: 'ben' };
    delete env.RECON_TEST_IDENTITY;
    const served = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'main/bridge/serve.ts'), '--json', '--no-inbox'], {
      cwd: root,
      env,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(served.status).toBe(1);
    expect(served.stdout).toBe('');
    expect(served.stderr).toContain('recon: the workstation could not start: RECON_ACTOR is set (to "ben"), but the associate is the signed-in user');
    expect(fs.existsSync(path.join(dataDir, 'recon.db'))).toBe(false);
  });
});
