// Migration 0016: the site's languages from the hub. A store at version 15 with the site's rules keeps them and has no
// languages yet (the site file's apply); it then holds those the hub sends, and a stored value that does not parse is
// treated as none rather than trusted.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openDeviceDatabase } from '../../../main/store/database';
import { schemaVersion } from '../../../main/store/migrate';
import { replicaQueries } from '../../../main/store/replica';
import { makeTempDir } from '../../support/temp-dir';

let dir: ReturnType<typeof makeTempDir>;
let file: string;
beforeEach(() => {
  dir = makeTempDir();
  file = join(dir.path, 'device.sqlite');
});
afterEach(() => dir.remove());

const rules = {
  siteId: 's1',
  siteName: 'Hill County Jail',
  charactersPerStamp: 2000,
  stampsPerAttachment: 1,
  maxAttachments: 5,
  maxAttachmentBytes: 3_000_000,
  refundStampsOnRejection: true,
  stampBooks: [{ stamps: 5, priceCents: 250 }],
};

describe('0016 site languages', () => {
  it('keeps the site rules, has no languages until the hub sends them, then holds them', () => {
    const before = openDeviceDatabase(file, { upToVersion: 15 });
    before
      .prepare(
        `INSERT INTO site_rules (site_id, site_name, characters_per_stamp, stamps_per_attachment, max_attachments, max_attachment_bytes,
           refund_stamps_on_rejection, version) VALUES ('s1', 'Hill County Jail', 2000, 1, 5, 3000000, 1, 1)`,
      )
      .run();
    before.close();

    const db = openDeviceDatabase(file, { upToVersion: 16 });
    expect(schemaVersion(db)).toBe(16);
    expect(db.prepare('SELECT site_name, languages FROM site_rules').all()).toEqual([{ site_name: 'Hill County Jail', languages: null }]);
    db.close();

    const latest = openDeviceDatabase(file);
    const replica = replicaQueries(latest);
    expect(replica.siteLanguages()).toBeNull();
    replica.putSiteRules({ ...rules, languages: { offered: ['es', 'en', 'zh-Hans'], default: 'es' } }, 2);
    expect(replica.siteLanguages()).toEqual({ offered: ['es', 'en', 'zh-Hans'], default: 'es' });
    expect(replica.rows().find((row) => row.entity === 'siteRules')?.data).toMatchObject({ languages: { offered: ['es', 'en', 'zh-Hans'], default: 'es' } });
    // A hub that sends rules without languages (one older than the setting) leaves the site file's in charge again.
    replica.putSiteRules(rules, 3);
    expect(replica.siteLanguages()).toBeNull();
    latest.prepare(`UPDATE site_rules SET languages = '{"offered":["en"],"default":"fr"}'`).run();
    expect(replica.siteLanguages()).toBeNull();
    expect(latest.prepare('PRAGMA integrity_check').all()).toEqual([{ integrity_check: 'ok' }]);
    latest.close();
  });
});
