import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import type { TeamSettings } from '../../../../shared/ipc/recon-api';
import { DEFAULT_TEAM_PORT, describeTeamConnection, teamConnectionSchema, type TeamConnection } from '../../../../shared/team-connection';
import { ErrorAlert } from '../../components/ErrorAlert';
import { errorMessage, getReconApi, unwrapReply } from '../../api/recon-bridge';

type Draft = { host: string; port: string; database: string; user: string; password: string; isTlsChecked: boolean };

const EMPTY_DRAFT: Draft = { host: '', port: String(DEFAULT_TEAM_PORT), database: 'recon', user: '', password: '', isTlsChecked: true };

function draftOf(saved: TeamConnection | undefined): Draft {
  if (!saved) return EMPTY_DRAFT;
  return { host: saved.host, port: String(saved.port), database: saved.database, user: saved.user, password: '', isTlsChecked: saved.tls !== 'disable' };
}

/**
 * Status, Team database: which store this workstation works on, and the associate's own login to
 * a shared one. The sign-in is tried on the server before it is kept; the password goes to the
 * OS secret store and is never shown again.
 */
export function TeamDatabaseSection() {
  const [settings, setSettings] = useState<TeamSettings | undefined>(undefined);
  const [draft, setDraft] = useState<Draft>(EMPTY_DRAFT);
  const [error, setError] = useState<string | undefined>(undefined);
  const [outcome, setOutcome] = useState<string | undefined>(undefined);
  const [isBusy, setIsBusy] = useState(false);
  const formId = useId();

  const load = useCallback(async () => {
    try {
      const read = unwrapReply(await getReconApi().readTeamSettings({}));
      setSettings(read);
      setDraft(draftOf(read.saved));
    } catch (problem) {
      setError(errorMessage(problem));
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const edit = (change: Partial<Draft>): void => setDraft((current) => ({ ...current, ...change }));

  async function signIn(event: FormEvent): Promise<void> {
    event.preventDefault();
    if (isBusy) return;
    const checked = teamConnectionSchema.safeParse({
      host: draft.host,
      port: Number(draft.port),
      database: draft.database,
      user: draft.user,
      tls: draft.isTlsChecked ? 'verify-full' : 'disable',
    });
    if (!checked.success) {
      setError(checked.error.issues.map((issue) => (issue.path[0] === 'port' ? 'The port is a number from 1 to 65535.' : issue.message)).join(' '));
      return;
    }
    if (draft.password === '') {
      setError('Give your password.');
      return;
    }
    setIsBusy(true);
    setError(undefined);
    setOutcome(undefined);
    try {
      const signedIn = unwrapReply(await getReconApi().signInToTeam({ connection: checked.data, password: draft.password }));
      setOutcome(signedIn.message);
      edit({ password: '' });
      await load();
    } catch (problem) {
      setError(errorMessage(problem));
    } finally {
      setIsBusy(false);
    }
  }

  async function signOut(): Promise<void> {
    if (isBusy) return;
    setIsBusy(true);
    setError(undefined);
    try {
      setOutcome(unwrapReply(await getReconApi().signOutOfTeam({})).message);
      await load();
    } catch (problem) {
      setError(errorMessage(problem));
    } finally {
      setIsBusy(false);
    }
  }

  return (
    <section className="team-database" aria-labelledby={`${formId}-heading`}>
      <h3 id={`${formId}-heading`}>Team database</h3>
      {settings === undefined ? (
        <p className="empty">Reading the team settings…</p>
      ) : (
        <>
          <p>
            {settings.workingOn.store === 'local'
              ? 'This workstation works on its own database file.'
              : `This workstation works on the team database ${settings.workingOn.server}, as ${settings.workingOn.role}.`}
          </p>
          {settings.saved ? (
            <div className="decision-row">
              <p className="hint">Kept for the next start: {describeTeamConnection(settings.saved)}.</p>
              <button type="button" aria-disabled={isBusy} onClick={() => void signOut()}>
                Sign out of the team database
              </button>
            </div>
          ) : null}
          {settings.problem ? (
            <p className="warning" role="alert">
              {settings.problem}
            </p>
          ) : null}
          {settings.cannotKeepPassword ? (
            <p className="hint">{settings.cannotKeepPassword}</p>
          ) : (
            <form className="team-sign-in" aria-label="Sign in to a team database" onSubmit={(event) => void signIn(event)}>
              <label className="field">
                Server
                <input value={draft.host} onChange={(event) => edit({ host: event.target.value })} placeholder="db.bank.local" autoComplete="off" spellCheck={false} />
              </label>
              <label className="field">
                Port
                <input value={draft.port} onChange={(event) => edit({ port: event.target.value })} inputMode="numeric" autoComplete="off" />
              </label>
              <label className="field">
                Database
                <input value={draft.database} onChange={(event) => edit({ database: event.target.value })} autoComplete="off" spellCheck={false} />
              </label>
              <label className="field">
                Your login
                <input value={draft.user} onChange={(event) => edit({ user: event.target.value })} autoComplete="username" spellCheck={false} />
              </label>
              <label className="field">
                Password
                <input type="password" value={draft.password} onChange={(event) => edit({ password: event.target.value })} autoComplete="current-password" />
              </label>
              <label className="team-tls">
                <input type="checkbox" checked={draft.isTlsChecked} onChange={(event) => edit({ isTlsChecked: event.target.checked })} />
                Encrypt the connection and check the server&apos;s certificate (TLS). Turn off only for a server on this computer.
              </label>
              <button type="submit" aria-disabled={isBusy} aria-busy={isBusy}>
                {isBusy ? 'Signing in…' : 'Sign in and keep'}
              </button>
            </form>
          )}
        </>
      )}
      <ErrorAlert message={error} />
      {outcome ? (
        <p className="team-outcome" role="status">
          {outcome}
        </p>
      ) : null}
    </section>
  );
}
