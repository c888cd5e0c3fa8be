// The hub CLI: a whole day at the facility told through its commands (on both backends, in process), answers in
// words, and bad input that exits non-zero with a message saying what to fix. One real `tsx hub/cli.ts` run checks
// the entry point itself.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../hub/commands/run';
import { enrollDevice, hubContext } from '../../../hub/services/index';
import { freshHubDatabase, hubBackends, useHubDatabases, type TestHubDatabase } from '../../support/hub-databases';
import { makeTempDir } from '../../support/temp-dir';
import { fakeJpeg, TestClock, testPinCost, tinyPng } from './fixture';

useHubDatabases();

describe.each(hubBackends)('hub CLI (%s)', (backend) => {
  let testDatabase: TestHubDatabase;
  let folder: { path: string; remove: () => void };
  const clock = new TestClock();

  beforeEach(async () => {
    testDatabase = await freshHubDatabase(backend);
    folder = makeTempDir('dayroom-cli-');
  });
  afterEach(async () => {
    await testDatabase.dispose();
    folder.remove();
  });

  async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(args, {
      out: (line) => out.push(line),
      err: (line) => err.push(line),
      env: { USER: 'reviewer.kim' },
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

  const idAfter = (output: string, label: string): string => {
    const match = new RegExp(`${label}:? ([0-9a-f-]{36})`).exec(output);
    if (match?.[1] === undefined) throw new Error(`no ${label} in: ${output}`);
    return match[1];
  };

  it('runs a facility day: site, units, a resident, a family message with photos, review, money, a visit, a tablet', async () => {
    expect(await ok('create-site', '--name', 'Hill County Jail', '--characters-per-stamp', '6000', '--books', '5:250,10:450')).toMatch(
      /Created site Hill County Jail.*\n.*6000 characters.*\n.*come back.*\n.*5 stamps for \$2\.50, 10 stamps for \$4\.50/,
    );
    await ok('add-unit', '--name', 'A-Pod');
    await ok('add-unit', '--name', 'B-Pod');
    expect(await ok('add-resident', '--unit', 'A-Pod', '--credential', 'B1001', '--name', 'Ana Diaz', '--pin', '4821', '--language', 'es')).toMatch(
      /^Booked Ana Diaz \(B1001\) into A-Pod\./,
    );
    const contactId = idAfter(await ok('add-contact', '--resident', 'B1001', '--name', 'Maria Diaz', '--relationship', 'mother'), 'Contact id');
    expect(await ok('approve-contact', '--contact', contactId)).toBe('Maria Diaz is now an approved contact.');
    expect(await ok('contacts', '--resident', 'B1001')).toBe(`Maria Diaz (mother), approved  (id ${contactId})`);

    const photo = join(folder.path, 'beach.png');
    const card = join(folder.path, 'card.jpg');
    writeFileSync(photo, tinyPng);
    writeFileSync(card, fakeJpeg('birthday card'));
    const sent = await ok('send-family-message', '--contact', contactId, '--text', 'Feliz cumpleaños', '--photo', photo, '--ecard', card, '--return-stamp');
    expect(sent).toMatch(/from Maria Diaz with 2 attachments and a return stamp\. It is waiting for review/);
    const messageId = idAfter(sent, 'message id');

    const queue = await ok('review-queue');
    expect(queue).toContain('From Maria Diaz to Ana Diaz (B1001)');
    expect(queue).toContain('| Feliz cumpleaños');
    const attachmentIds = [...queue.matchAll(/attachment ([0-9a-f-]{36})/g)].map((match) => match[1] ?? '');
    expect(attachmentIds).toHaveLength(2);
    expect(await ok('approve', '--message', messageId, '--reject-attachment', attachmentIds[1] ?? '', '--reason', 'Cards must be plain.')).toBe(
      `Delivered message ${messageId}, withholding 1 attachment.`,
    );
    const [decision] = await testDatabase.database.query<{ reviewer: string }>("SELECT reviewer FROM review_decisions WHERE decision = 'approved'");
    expect(decision?.reviewer).toBe('reviewer.kim');
    expect(await ok('review-queue')).toBe('Nothing is waiting for review.');

    // Stopped letters: one rejected in review, the delivered one withdrawn; the sender is told of both.
    const stoppedId = idAfter(await ok('send-family-message', '--contact', contactId, '--text', 'Not this one'), 'message id');
    expect(await cli('reject', '--message', stoppedId, '--reason', 'x'.repeat(2001))).toMatchObject({
      code: 1,
      err: 'A reason is at most 2000 characters; this one has 2001.',
    });
    expect(await ok('reject', '--message', stoppedId, '--reason', 'No codes in letters.')).toBe(`Rejected message ${stoppedId}.`);
    expect(await ok('withdraw', '--message', messageId, '--reason', 'The card shows another resident.')).toBe(
      `Withdrew message ${messageId}; the resident's devices delete it at their next sync.`,
    );
    expect(await cli('withdraw', '--message', stoppedId, '--reason', 'Again.')).toMatchObject({
      code: 1,
      err: 'Only a delivered letter can be withdrawn (this one is rejected).',
    });
    expect(await ok('site-rule', '--notify-resident-of-rejected-mail', 'off')).toBe(
      'Residents are no longer told when review stops a letter to them; senders still are.',
    );
    const told = await ok('family-notices', '--contact', contactId);
    expect(told).toContain(
      `to Maria Diaz (contact ${contactId}): your letter to Ana Diaz was not delivered (message ${stoppedId}).\n  Reason: No codes in letters.\n  Ana Diaz was told too, without the letter's words.`,
    );
    expect(told).toContain(`your letter to Ana Diaz was withdrawn after delivery (message ${messageId}).\n  Reason: The card shows another resident.`);

    expect(await ok('deposit', '--resident', 'B1001', '--amount', '25.50', '--source', 'moneyOrder', '--reference', 'MO 88')).toBe(
      'Deposited $25.50 for Ana Diaz (moneyOrder). Balance: $25.50.',
    );
    clock.advance(60_000);
    expect(await ok('transfer-stamps', '--resident', 'B1001', '--stamps', '3', '--from', 'Maria Diaz')).toBe('Ana Diaz received 3 stamps; they have 3 stamps.');
    expect(await ok('account', '--resident', 'B1001')).toMatch(
      /^Ana Diaz \(B1001\): 3 stamps, \$25\.50\.\n.*\+3 stamps {2}familyTransfer \(Maria Diaz\)\n.*\+\$25\.50 {2}deposit \(moneyOrder MO 88\)/,
    );
    const scheduled = await ok(
      'schedule-visit',
      '--resident',
      'B1001',
      '--visitor',
      'Maria Diaz',
      '--kind',
      'onSite',
      '--starts',
      '2025-06-01T14:00',
      '--minutes',
      '45',
    );
    expect(scheduled).toMatch(/^Scheduled a visit on site for Ana Diaz with Maria Diaz on .*2025.*45 minutes \(visit id /);
    expect(await ok('cancel-visit', '--visit', idAfter(scheduled, 'visit id'))).toMatch(/^Cancelled the visit with Maria Diaz on .*2025/);
    // A start with an offset is that instant, wherever the console is; a visitor's name past 120 characters is refused in words.
    const withOffset = idAfter(
      await ok('schedule-visit', '--resident', 'B1001', '--visitor', 'Ηλέκτρα', '--kind', 'remote', '--starts', '2025-06-01T14:00-05:00'),
      'visit id',
    );
    const [stored] = await testDatabase.database.query<{ starts_at: number }>('SELECT starts_at FROM visits WHERE visit_id = $1', [withOffset]);
    expect(stored?.starts_at).toBe(Date.UTC(2025, 5, 1, 19, 0));
    expect(await cli('schedule-visit', '--resident', 'B1001', '--visitor', 'x'.repeat(2000), '--kind', 'remote', '--starts', '2025-06-01T14:00')).toMatchObject(
      {
        code: 1,
        err: "A visit needs the visitor's name (at most 120 characters).",
      },
    );

    const code = /code for a tablet: ([A-Z0-9]{4}-[A-Z0-9]{4})/.exec(await ok('enrollment-code', '--kind', 'tablet'))?.[1] ?? '';
    const enrolled = await enrollDevice(hubContext(testDatabase.database, { now: clock.now }), { code, deviceName: 'Tablet 12', appVersion: '0.1.0' });
    if (!enrolled.ok) throw new Error(`enrollment failed: ${enrolled.problem}`);
    await ok('assign-tablet', '--device', enrolled.enrollment.deviceId, '--resident', 'B1001');
    expect(await ok('devices')).toContain('Tablet 12: tablet assigned to Ana Diaz');

    expect(await ok('move-resident', '--resident', 'B1001', '--unit', 'B-Pod')).toMatch(/^Moved Ana Diaz to B-Pod\./);
    expect(await ok('residents')).toMatch(/^Ana Diaz \(B1001\), in B-Pod: 3 stamps, \$25\.50/);
    expect(await ok('release-resident', '--resident', 'B1001')).toBe('Released Ana Diaz.');
    expect(await ok('devices')).toContain('Tablet 12: tablet not assigned');
  });

  it('exits non-zero with a message that says what to fix', async () => {
    expect(await cli('residents')).toMatchObject({ code: 2, err: expect.stringContaining('There is no site yet: run create-site first.') });
    await ok('create-site', '--name', 'Hill County Jail');
    await ok('add-unit', '--name', 'A-Pod');

    const cases: [string[], number, RegExp][] = [
      [['teleport'], 2, /Unknown command "teleport"/],
      [['add-resident', '--unit', 'A-Pod', '--name', 'Ana Diaz', '--pin', '4821'], 2, /--credential is required/],
      [['add-resident', '--unit', 'A-Pod', '--credential', 'B1', '--name', 'Ana Diaz', '--pin', '12'], 1, /A PIN is 4 to 8 digits\./],
      [['add-resident', '--unit', 'Z-Pod', '--credential', 'B1', '--name', 'Ana Diaz', '--pin', '1234'], 1, /There is no housing unit "Z-Pod"/],
      [['add-unit', '--name', 'A-Pod'], 1, /already has a housing unit named A-Pod/],
      [['add-unit', '--nmae', 'C-Pod'], 2, /Unknown option '--nmae'/],
      [['deposit', '--resident', 'B404', '--amount', '5', '--source', 'online'], 1, /There is no resident "B404"/],
      [['deposit', '--resident', 'B404', '--amount', '5.555', '--source', 'online'], 2, /--amount must be an amount in dollars/],
      [['enrollment-code', '--kind', 'drone'], 2, /--kind must be one of kiosk, tablet/],
      [['reject', '--message', '00000000-0000-4000-8000-000000000000', '--reason', 'x'], 1, /There is no message/],
      [['create-site', '--name', 'Second', '--books', '5-250'], 2, /stamps:priceInCents/],
      [['units', '--site', 'nowhere'], 2, /There is no site nowhere/],
    ];
    for (const [args, code, message] of cases) {
      const result = await cli(...args);
      expect({ args, code: result.code }).toEqual({ args, code });
      expect(result.err).toMatch(message);
    }
    await ok('create-site', '--name', 'Second Facility');
    expect(await cli('units')).toMatchObject({ code: 2, err: expect.stringContaining('several sites; choose one with --site') });
  });
});

describe('hub CLI entry point', () => {
  const tsx = join(process.cwd(), 'node_modules', '.bin', 'tsx');

  it('runs as a program: refuses to guess where the data lives, on stderr, with exit 2', () => {
    const nowhere = spawnSync(tsx, ['hub/cli.ts', 'residents'], { encoding: 'utf8', env: { ...process.env, DATABASE_URL: '' } });
    expect(nowhere.status).toBe(2);
    expect(nowhere.stderr).toContain('--data <folder>');
    expect(nowhere.stdout).toBe('');
  });

  it('prints help with exit 0', async () => {
    const out: string[] = [];
    expect(await runCli(['help'], { out: (line) => out.push(line), err: () => undefined, env: {} })).toBe(0);
    expect(out.join('\n')).toMatch(/send-family-message +Take a message from a family member/);
  });
});
