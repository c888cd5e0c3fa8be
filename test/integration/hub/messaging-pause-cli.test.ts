// Pausing a resident's messaging from the hub's command line, as the console's Pauses page does: the pause holds until
// its date with the reason the resident reads, a second is refused while one holds, lifting ends it, and a date that
// cannot be read or has passed is refused in words with nothing changed.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../hub/commands/run';
import { listSuspensions } from '../../../hub/services/suspensions';
import { hubBackends, useHubDatabases } from '../../support/hub-databases';
import { seedFacility, startTestHub, type Facility, type TestHub } from './fixture';

useHubDatabases();

const day = 24 * 60 * 60 * 1000;

describe.each(hubBackends)('pause-messaging and lift-pause (%s)', (backend) => {
  let testHub: TestHub;
  let facility: Facility;

  beforeEach(async () => {
    testHub = await startTestHub(backend);
    facility = await seedFacility(testHub.hub);
  });
  afterEach(async () => {
    await testHub.close();
  });

  async function cli(...args: string[]): Promise<{ code: number; out: string }> {
    const lines: string[] = [];
    const code = await runCli(args, {
      out: (line) => lines.push(line),
      err: (line) => lines.push(line),
      env: { USER: 'sgt.ortiz' },
      database: testHub.hub.database,
      now: testHub.clock.now,
    });
    return { code, out: lines.join('\n') };
  }

  const pausesOfAna = async () =>
    (await listSuspensions(testHub.hub.database, { siteId: facility.siteId, now: testHub.clock.now() })).filter(
      (pause) => pause.residentId === facility.ana.resident_id,
    );

  it('pauses until a date with a reason, refuses a second pause while it holds, and lifts it', async () => {
    const until = new Date(testHub.clock.now() + 14 * day).toISOString().slice(0, 16) + 'Z';
    const paused = await cli('pause-messaging', '--resident', facility.ana.credential_id, '--until', until, '--reason', 'Misuse of messaging, incident 2291.');
    expect(paused.code).toBe(0);
    expect(paused.out).toMatch(/^Paused Ana Diaz's messaging until .+\. Their devices say why at their next sync; lift it early with lift-pause\.$/);
    const [pause] = await pausesOfAna();
    expect(pause).toMatchObject({ active: true, reason: 'Misuse of messaging, incident 2291.', suspendedBy: 'sgt.ortiz', endsAt: Date.parse(until) });

    const again = await cli('pause-messaging', '--resident', facility.ana.credential_id, '--until', until, '--reason', 'Again.');
    expect(again.code).toBe(1);
    expect(again.out).toContain("Ana Diaz's messaging is already paused until");
    expect(await pausesOfAna()).toHaveLength(1);

    expect(await cli('lift-pause', '--resident', facility.ana.credential_id)).toEqual({
      code: 0,
      out: "Lifted the pause on Ana Diaz's messaging; their devices let them write again after their next sync.",
    });
    expect(await pausesOfAna()).toMatchObject([{ active: false, liftedBy: 'sgt.ortiz' }]);
    const notPaused = await cli('lift-pause', '--resident', facility.ana.credential_id);
    expect(notPaused).toMatchObject({ code: 1 });
    expect(notPaused.out).toContain("Ana Diaz's messaging is not paused.");
  });

  it('refuses a date it cannot read, a date that has passed and an empty reason, pausing nothing', async () => {
    const unreadable = await cli('pause-messaging', '--resident', facility.ana.credential_id, '--until', 'next tuesday', '--reason', 'Misuse.');
    // A date that cannot be read is a usage error (exit 2, as every option the CLI cannot parse); the rest are refusals.
    expect(unreadable.code).toBe(2);
    expect(unreadable.out).toContain('"next tuesday"');
    const past = new Date(testHub.clock.now() - day).toISOString().slice(0, 16) + 'Z';
    const passed = await cli('pause-messaging', '--resident', facility.ana.credential_id, '--until', past, '--reason', 'Misuse.');
    expect(passed.code).toBe(1);
    expect(passed.out).toContain('A pause must end in the future.');
    const future = new Date(testHub.clock.now() + day).toISOString().slice(0, 16) + 'Z';
    const blank = await cli('pause-messaging', '--resident', facility.ana.credential_id, '--until', future, '--reason', '   ');
    expect(blank.code).toBe(2);
    expect(blank.out).toContain('--reason');
    expect(await pausesOfAna()).toEqual([]);
  });
});
