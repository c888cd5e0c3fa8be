// Migration 0014: messaging pauses. A store at version 13 with a resident keeps them, starts with no pause, and takes a
// pause the hub sends; a refusal the hub gave for a paused person's letter is said with its end date.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openDeviceDatabase } from '../../../main/store/database';
import { homeSummaryQueries } from '../../../main/store/home-summary';
import { schemaVersion } from '../../../main/store/migrate';
import { replicaQueries } from '../../../main/store/replica';
import { hubRefusalOf } from '../../../main/sync/hub-refusal';
import { makeTempDir } from '../../support/temp-dir';

let dir: ReturnType<typeof makeTempDir>;
let file: string;
beforeEach(() => {
  dir = makeTempDir();
  file = join(dir.path, 'device.sqlite');
});
afterEach(() => dir.remove());

describe('0014 messaging pauses', () => {
  it('keeps what was there, starts with no pause, and holds one the hub sends', () => {
    const before = openDeviceDatabase(file, { upToVersion: 13 });
    before
      .prepare(
        "INSERT INTO residents (resident_id, credential_id, display_name, pin_hash, language, updated_at, version) VALUES ('r1', '100001', 'Ana', 'h', 'es', 1, 1)",
      )
      .run();
    before.close();

    const db = openDeviceDatabase(file, { upToVersion: 14 });
    expect(schemaVersion(db)).toBe(14);
    expect(db.prepare('SELECT resident_id FROM residents').all()).toEqual([{ resident_id: 'r1' }]);
    expect(db.prepare('SELECT count(*) AS pauses FROM messaging_pauses').get()).toEqual({ pauses: 0 });
    db.close();
    // Today's queries read the store as a device runs it, at the latest version (later migrations add what they read).
    const latest = openDeviceDatabase(file);
    const summaries = homeSummaryQueries(latest);
    expect(summaries.messagingPause('r1', 100)).toBeNull();
    replicaQueries(latest).putMessagingPause({ pauseId: 'p1', residentId: 'r1', pausedUntil: 5_000, reason: 'Threats in letters.' }, 1);
    expect(summaries.messagingPause('r1', 100)).toEqual({ pausedUntil: 5_000, reason: 'Threats in letters.' });
    expect(hubRefusalOf('messagingSuspended', JSON.stringify({ pausedUntil: 5_000 }))).toEqual({ code: 'messagingPaused', pausedUntil: 5_000 });
    expect(hubRefusalOf('messagingSuspended', null)).toEqual({ code: 'other' });
    expect(latest.prepare('PRAGMA integrity_check').all()).toEqual([{ integrity_check: 'ok' }]);
    latest.close();
  });
});
