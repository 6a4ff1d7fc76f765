import { describe, expect, it } from 'vitest';
import { Station } from '../../../electron/core/station/station';
import { appendAudit } from '../../../electron/core/store/audit';
import { getSetting, setSetting } from '../../../electron/core/store/settings';
import { openStationDb } from '../../helpers/stationDb';
import { tempDir } from '../../helpers/tmp';

/**
 * The audit chain is walked whole when the service starts; a one-shot CLI command (`auditCheck: 'checkpoint'`)
 * walks only the rows after the last checkpoint a walk recorded, MACed with the audit key.
 */

/** A station whose chain holds `n` rows and a checkpoint at the last one (recorded by a whole walk at open). */
async function stationWithCheckpoint(n: number): Promise<string> {
  const dataDir = tempDir('sohoa-audit-cp-');
  const st = Station.open({ dataDir, holder: 'test' });
  for (let i = 0; i < n; i++) appendAudit(st.store, { actor: 'u-lan', action: 'page.view', subjectType: 'page', subjectId: `P${i}` });
  await st.close();
  const again = Station.open({ dataDir, holder: 'test' });
  expect(again.protection.auditBrokenAt).toBeNull();
  expect(getSetting<{ seq: number }>(again.store, 'audit.verified')?.seq).toBe(n);
  await again.close();
  return dataDir;
}

/** What an intruder holding the database key does: changes one row's actor, leaving its MAC as it was. */
function changeActor(dataDir: string, seq: number): void {
  const db = openStationDb(dataDir);
  try {
    db.exec('DROP TRIGGER audit_event_no_update');
    db.prepare('UPDATE audit_event SET actor = ? WHERE seq = ?').run('u-minh', seq);
    db.exec("CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END;");
  } finally {
    db.close();
  }
}

async function brokenAt(dataDir: string, auditCheck: 'full' | 'checkpoint'): Promise<number | null> {
  const st = Station.open({ dataDir, holder: 'test', auditCheck });
  try {
    return st.protection.auditBrokenAt;
  } finally {
    await st.close();
  }
}

describe('audit chain checkpoint', () => {
  it('finds a row changed after the checkpoint when a command opens the station', async () => {
    const dataDir = await stationWithCheckpoint(6);
    const st = Station.open({ dataDir, holder: 'test', auditCheck: 'checkpoint' });
    for (let i = 0; i < 3; i++) appendAudit(st.store, { actor: 'u-lan', action: 'dossier.list' });
    await st.close();
    expect(await brokenAt(dataDir, 'checkpoint')).toBeNull();
    changeActor(dataDir, 8);
    expect(await brokenAt(dataDir, 'checkpoint')).toBe(8);
  });

  it('leaves rows before the checkpoint to the whole walk of the service start, which finds the change', async () => {
    const dataDir = await stationWithCheckpoint(6);
    changeActor(dataDir, 3);
    expect(await brokenAt(dataDir, 'checkpoint')).toBeNull(); // not walked again by a one-shot command
    expect(await brokenAt(dataDir, 'full')).toBe(3);
    // A broken walk records no checkpoint: the next command's open does not start after the change either.
    expect(await brokenAt(dataDir, 'full')).toBe(3);
  });

  it('walks everything when the checkpoint was moved without the audit key', async () => {
    const dataDir = await stationWithCheckpoint(6);
    changeActor(dataDir, 3);
    const st = Station.open({ dataDir, holder: 'test', auditCheck: 'checkpoint' });
    // Someone writing the settings row (the database key is enough) cannot make the MAC of a new checkpoint.
    const cp = getSetting<{ seq: number; head: string; mac: string }>(st.store, 'audit.verified')!;
    setSetting(st.store, 'audit.verified', { ...cp, seq: 5 });
    await st.close();
    expect(await brokenAt(dataDir, 'checkpoint')).toBe(3);
  });
});
