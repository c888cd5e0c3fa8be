// The money office's and the visits office's commands (issue 17) on both backends: a deposit with its reference, a
// statement written to CSV and PDF, a correction, a new price book, a room with its hours, a visit in it, a clash
// refused in words and a cancellation with its reason.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../hub/commands/run';
import { freshHubDatabase, hubBackends, useHubDatabases, type TestHubDatabase } from '../../support/hub-databases';
import { makeTempDir } from '../../support/temp-dir';
import { TestClock, testPinCost } from './fixture';

useHubDatabases();

describe.each(hubBackends)('money and visits commands (%s)', (backend) => {
  let testDatabase: TestHubDatabase;
  let folder: { path: string; remove: () => void };
  const clock = new TestClock();

  beforeEach(async () => {
    testDatabase = await freshHubDatabase(backend);
    folder = makeTempDir('dayroom-money-cli-');
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
      env: { USER: 'pat.money' },
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

  it('keeps the money office and the visits office from the command line', async () => {
    await ok('create-site', '--name', 'Hill County Jail');
    expect(await ok('site-time-zone', '--set', 'America/Chicago')).toBe("The site's time zone is America/Chicago.");
    expect(await cli('site-time-zone', '--set', 'Mars/Olympus')).toMatchObject({
      code: 1,
      err: '"Mars/Olympus" is not a time zone this hub knows; give one such as America/Chicago.',
    });
    await ok('add-unit', '--name', 'A-Pod');
    await ok('add-resident', '--unit', 'A-Pod', '--credential', 'B1001', '--name', 'Ana Diaz', '--pin', '4821');

    // testEpoch: Monday 2025-03-03, 08:00 in Chicago.
    expect(await ok('deposit', '--resident', 'B1001', '--amount', '40.00', '--source', 'moneyOrder', '--reference', 'MO 88231')).toBe(
      'Deposited $40.00 for Ana Diaz (moneyOrder). Balance: $40.00.',
    );
    clock.advance(3_600_000);
    await ok('deposit', '--resident', 'B1001', '--amount', '5.00', '--source', 'online', '--reference', 'T-1');
    const statement = await ok(
      'statement',
      '--resident',
      'B1001',
      '--from',
      '2025-03-01',
      '--to',
      '2025-03-31',
      '--csv',
      join(folder.path, 's.csv'),
      '--pdf',
      join(folder.path, 's.pdf'),
    );
    expect(statement).toMatch(/^Ana Diaz \(B1001\), Hill County Jail: 2025-03-01 to 2025-03-31 \(America\/Chicago\)\.\n {2}Opening balance \$0\.00\n/);
    expect(statement).toContain('2025-03-03 08:00  +$40.00  Deposit by money order (MO 88231)  → $40.00');
    expect(statement).toContain('In $45.00, out $0.00; closing balance $45.00.');
    expect(readFileSync(join(folder.path, 's.csv'), 'utf8').split('\r\n')[0]).toBe('Date,What,Reference,In,Out,Balance');
    expect(readFileSync(join(folder.path, 's.pdf')).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const entry = /\+\$5\.00 .*\[([0-9a-f-]{36})\]/.exec(statement)?.[1] ?? '';
    expect(await ok('correct-entry', '--ledger', 'money', '--entry', entry, '--reason', 'Counted twice.')).toBe(
      `Reversed entry ${entry} for Ana Diaz: -$5.00. Balance: $40.00.`,
    );

    expect(await ok('add-price-book', '--books', '5:275,10:500', '--note', 'Postage went up.')).toBe(
      'Price book version 2 is in force: 5 for $2.75, 10 for $5.00.',
    );
    expect(await ok('price-books')).toMatch(
      /^Version 2 \(in force\), .* by pat\.money: 5 for \$2\.75, 10 for \$5\.00; 0 purchases\. Postage went up\.\nVersion 1, /,
    );

    expect(await ok('add-visit-room', '--name', 'Room 1', '--kind', 'onSite', '--hours', 'mon-fri 09:00-12:00 13:00-17:00')).toMatch(
      /^Added Room 1, a room for on-site visits, open Monday 09:00–12:00, 13:00–17:00; Tuesday .*; Friday 09:00–12:00, 13:00–17:00 \(room id /,
    );
    expect(await cli('add-visit-room', '--name', 'Room 2', '--kind', 'onSite', '--hours', 'someday 9-5')).toMatchObject({ code: 2 });
    const scheduled = await ok(
      'schedule-visit',
      '--resident',
      'B1001',
      '--visitor',
      'Maria Diaz',
      '--kind',
      'onSite',
      '--starts',
      '2025-03-10T09:30-05:00',
      '--minutes',
      '60',
      '--room',
      'Room 1',
    );
    const visitId = /visit id ([0-9a-f-]{36})/.exec(scheduled)?.[1] ?? '';
    expect(
      await cli(
        'schedule-visit',
        '--resident',
        'B1001',
        '--visitor',
        'Sam Roe',
        '--kind',
        'onSite',
        '--starts',
        '2025-03-10T11:30-05:00',
        '--minutes',
        '60',
        '--room',
        'Room 1',
      ),
    ).toMatchObject({ code: 1, err: 'Room 1 is closed then (Monday 2025-03-10 11:30–12:30): on Monday 09:00–12:00, 13:00–17:00.' });
    expect(await ok('cancel-visit', '--visit', visitId, '--reason', 'The unit is on lockdown.')).toMatch(/^Cancelled the visit with Maria Diaz/);
    expect(await ok('visits-day', '--date', '2025-03-10')).toBe(
      `Visits on 2025-03-10 (America/Chicago):\n  09:30 60 min, Room 1: Ana Diaz with Maria Diaz — CANCELLED: The unit is on lockdown.  (visit ${visitId})`,
    );
  });
});
