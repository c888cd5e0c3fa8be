// Item 8: what people write reaches the console's terminal only as visible characters, and no name can pass for
// another. The text rule refuses at the hub's entries (in words, with a code); review-queue and every other command
// show control, bidi and invisible characters visibly, even in text stored before the rule existed.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../hub/commands/run';
import { visibleText } from '../../../hub/commands/format';
import { addContact, addResident, addStaff, hubContext, HubInputError, scheduleVisit } from '../../../hub/services/index';
import { freshHubDatabase, hubBackends, useHubDatabases, type TestHubDatabase } from '../../support/hub-databases';
import { impersonatingNames } from '../../support/hostile-text';
import { TestClock, testPinCost } from './fixture';

useHubDatabases();

// Control characters in this pattern are what the test looks for.
// eslint-disable-next-line no-control-regex
const rawControl = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/u;

describe('visibleText', () => {
  it('shows ESC, C1, DEL, bidi controls and zero-width characters as visible marks, and leaves the rest alone', () => {
    expect(visibleText('a\u001b[8mhidden\u001b[0m')).toBe('a␛[8mhidden␛[0m');
    expect(visibleText('\u0000\u0007\u007f')).toBe('␀␇␡');
    expect(visibleText('x\u009b2J')).toBe('x\\u{9b}2J');
    expect(visibleText('\u202eevil\u202c and Dad\u200b\u200b')).toBe('\\u{202e}evil\\u{202c} and Dad\\u{200b}\\u{200b}');
    expect(visibleText('Ana Díaz, 漢字, שלום, 😀\ttab')).toBe('Ana Díaz, 漢字, שלום, 😀\ttab');
  });
});

describe.each(hubBackends)('the console and hostile text (%s)', (backend) => {
  let testDatabase: TestHubDatabase;
  const clock = new TestClock();

  beforeEach(async () => {
    testDatabase = await freshHubDatabase(backend);
  });
  afterEach(async () => {
    await testDatabase.dispose();
  });

  async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(args, {
      out: (line) => out.push(line),
      err: (line) => err.push(line),
      env: { USER: 'reviewer' },
      database: testDatabase.database,
      pinCost: testPinCost,
      now: clock.now,
    });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }
  async function ok(...args: string[]): Promise<string> {
    const result = await cli(...args);
    if (result.code !== 0) throw new Error(`${args.join(' ')} exited ${result.code}: ${result.err}`);
    return result.out;
  }
  const contactIdIn = (output: string): string => /Contact id: ([0-9a-f-]{36})/.exec(output)?.[1] ?? '';

  async function siteWithAna(): Promise<string> {
    await ok('create-site', '--name', 'Hill County Jail');
    await ok('add-unit', '--name', 'A-Pod');
    await ok('add-resident', '--unit', 'A-Pod', '--credential', 'B1001', '--name', 'Ana Diaz', '--pin', '4821');
    return contactIdIn(await ok('add-contact', '--resident', 'B1001', '--name', 'Dad', '--relationship', 'father', '--approved'));
  }

  it('refuses names with zero-width or bidi characters, in words, so "Dad" plus zero-width spaces cannot pass for Dad', async () => {
    await siteWithAna();
    for (const name of impersonatingNames) {
      const contact = await cli('add-contact', '--resident', 'B1001', '--name', name, '--approved');
      expect(contact.code).toBe(1);
      expect(contact.err).toMatch(/The contact's name contains an invisible or direction-changing character/);
      expect(contact.err).not.toMatch(rawControl);
    }
    expect((await cli('add-resident', '--unit', 'A-Pod', '--credential', 'B1002', '--name', 'Ana\u200bDiaz', '--pin', '4821')).err).toMatch(
      /resident's name contains an invisible/,
    );
    expect((await cli('add-staff', '--name', '\u202eOfficer', '--badge', 'S1', '--pin', '9876')).err).toMatch(/staff member's name contains an invisible/);
    expect(await ok('contacts', '--resident', 'B1001')).not.toMatch(/\n/);
  });

  it('refuses a NUL or ESC in every text the console takes, in words', async () => {
    const contactId = await siteWithAna();
    const refusals = [
      await cli('send-family-message', '--contact', contactId, '--text', 'hi\u0000there'),
      await cli('send-family-message', '--contact', contactId, '--text', 'see \u001b[8mhidden\u001b[0m'),
      await cli('add-contact', '--resident', 'B1001', '--name', 'Mom\u0000'),
      await cli('add-contact', '--resident', 'B1001', '--name', 'Mom', '--relationship', 'mo\u0000ther'),
      await cli('add-resident', '--unit', 'A-Pod', '--credential', 'B1003', '--name', 'Bo\u0000b', '--pin', '4821'),
      await cli('add-staff', '--name', 'Grant\u0000', '--badge', 'S2', '--pin', '9876'),
      await cli('add-unit', '--name', 'B\u0000Pod'),
      await cli('create-site', '--name', 'Another\u0000site'),
    ];
    for (const refusal of refusals) {
      expect(refusal.code).toBe(1);
      expect(refusal.err).toMatch(/contains a control character \(such as NUL or ESC\)/);
    }
    const sent = await ok('send-family-message', '--contact', contactId, '--text', 'fine');
    const messageId = /message id ([0-9a-f-]{36})/.exec(sent)?.[1] ?? '';
    const rejected = await cli('reject', '--message', messageId, '--reason', 'no\u001b[2J');
    expect(rejected.code).toBe(1);
    expect(rejected.err).toMatch(/The reason contains a control character/);
  });

  it('the services refuse with the code behind the words', async () => {
    const hub = hubContext(testDatabase.database, { now: clock.now, pinCost: testPinCost });
    await siteWithAna();
    const [resident] = await testDatabase.database.query<{ resident_id: string; housing_unit_id: string; site_id: string }>(
      'SELECT resident_id, housing_unit_id, site_id FROM residents',
    );
    if (resident === undefined) throw new Error('no resident');
    const refusal = (promise: Promise<unknown>) =>
      promise.then(
        () => null,
        (error: unknown) => (error instanceof HubInputError ? error.textProblem : error),
      );
    expect(await refusal(addContact(hub, { residentId: resident.resident_id, displayName: 'Dad\u200b', relationship: '' }))).toBe('invisibleCharacter');
    expect(await refusal(addContact(hub, { residentId: resident.resident_id, displayName: 'Dad\ud800', relationship: '' }))).toBe('invalidUnicode');
    expect(await refusal(addResident(hub, { housingUnitId: resident.housing_unit_id, credentialId: 'X1', displayName: 'X\u0001', pin: '4821' }))).toBe(
      'controlCharacter',
    );
    expect(await refusal(addStaff(hub, { siteId: resident.site_id, displayName: 'X\u2067', badgeId: 'S9', pin: '9876' }))).toBe('invisibleCharacter');
    expect(
      await refusal(scheduleVisit(hub, { residentId: resident.resident_id, visitorName: 'Mom\u200b', kind: 'remote', startsAt: 1, durationMinutes: 30 })),
    ).toBe('invisibleCharacter');
    // The same name typed with a combining accent is stored as the composed one: one name, one spelling.
    const composed = await addContact(hub, { residentId: resident.resident_id, displayName: 'Jose\u0301 ', relationship: 'brother' });
    expect(composed.display_name).toBe('José');
  });

  it('review-queue shows control, bidi and zero-width characters of a letter visibly, even in a letter stored before the rule', async () => {
    const contactId = await siteWithAna();
    const sent = await ok('send-family-message', '--contact', contactId, '--text', 'Hola \u202eamigo\u202c and a hidden\u200bword');
    const messageId = /message id ([0-9a-f-]{36})/.exec(sent)?.[1] ?? '';
    // As if written before the text rule existed: an escape sequence that would hide "send money" on a terminal.
    await testDatabase.database.query('UPDATE messages SET body = $2 WHERE message_id = $1', [
      messageId,
      'Hola\u001b[8m send money to 555\u001b[0m\u009b2J bye\u202e',
    ]);
    const queue = await ok('review-queue');
    expect(queue).not.toMatch(rawControl);
    expect(queue).toContain('Hola␛[8m send money to 555␛[0m\\u{9b}2J bye\\u{202e}');
  });
});
