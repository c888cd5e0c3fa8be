// A resident's language at the hub is any language tag (hub migration 0015): a site that offers Arabic or Simplified
// Chinese can keep it on a person's record, and the database still refuses a value that is no tag at all.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addResident } from '../../../hub/services/residents';
import { hubBackends, useHubDatabases } from '../../support/hub-databases';
import { seedFacility, startTestHub, type Facility, type TestHub } from './fixture';

useHubDatabases();

describe.each(hubBackends)('a resident in any language (%s)', (backend) => {
  let test: TestHub;
  let facility: Facility;
  beforeEach(async () => {
    test = await startTestHub(backend);
    facility = await seedFacility(test.hub);
  });
  afterEach(async () => test.close());

  it('keeps Arabic, Simplified Chinese and Haitian Creole on records, and the database refuses what is no language tag', async () => {
    for (const [index, language] of (['ar', 'zh-Hans', 'ht'] as const).entries()) {
      const row = await addResident(test.hub, {
        housingUnitId: facility.unitA,
        credentialId: `L${index}`,
        displayName: `Person ${index}`,
        pin: '1357',
        language,
      });
      expect(row.language).toBe(language);
    }
    await expect(test.hub.database.query("UPDATE residents SET language = 'Klingon' WHERE credential_id = 'L0'")).rejects.toThrow(/residents_language_shape/);
    const stored = await test.hub.database.query<{ language: string }>("SELECT language FROM residents WHERE credential_id LIKE 'L%' ORDER BY credential_id");
    expect(stored.map((row) => row.language)).toEqual(['ar', 'zh-Hans', 'ht']);
  });
});
