import { teamDatabaseOfflineNotice } from '../../../shared/team-database';
import { useReconStore } from '../store/recon-store';

/** The local time of day, HH:MM, the associate's own clock. */
function timeOfDay(epochMs: number): string {
  const at = new Date(epochMs);
  return `${String(at.getHours()).padStart(2, '0')}:${String(at.getMinutes()).padStart(2, '0')}`;
}

/** On every view while the team database cannot be reached: what the window still shows, and that nothing can be changed. */
export function TeamDatabaseBanner() {
  const offline = useReconStore((state) => state.storeOffline);
  if (offline === undefined) return null;
  return (
    <p className="error-alert" role="alert" data-testid="team-database-offline">
      {teamDatabaseOfflineNotice(offline.server, timeOfDay(offline.since))}
    </p>
  );
}
