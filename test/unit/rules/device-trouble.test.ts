// The trouble rule (hub/services/device-trouble.ts): each trouble IT must see, with its severity and its words, from
// the hub's facts and the device's latest report; and the fleet order, trouble first.
import { compareVersions } from '../../../rules/versions';
import { describe, expect, it } from 'vitest';
import type { DeviceHealthReport } from '../../../rules/device-health';
import {
  durationInWords,
  fleetOrder,
  newestVersionOf,
  troublesOf,
  troubleThresholds,
  worstSeverity,
  type DeviceFacts,
  type TroubleKind,
} from '../../../rules/device-trouble';

const now = Date.UTC(2026, 11, 7, 14, 0, 0);
const minute = 60_000;

function healthyReport(overrides: Partial<DeviceHealthReport> = {}): DeviceHealthReport {
  return {
    appVersion: '1.4.0',
    deviceTime: now - minute,
    outbox: { pending: 0, oldestPendingAgeMs: null },
    readers: [{ readerId: 'badge', kind: 'serialRfid', state: 'connected', lastEventAt: now - 10 * minute }],
    storage: { freeBytes: 20e9, storeBytes: 40e6 },
    battery: null,
    session: 'idle',
    ...overrides,
  };
}

function facts(overrides: Partial<DeviceFacts> = {}): DeviceFacts {
  return {
    kind: 'kiosk',
    lastSeenAt: now - minute,
    enrolledAt: now - 30 * 24 * 60 * minute,
    revokedAt: null,
    revokedReason: null,
    wipePending: false,
    report: healthyReport(),
    reportReceivedAt: now - minute,
    reportRefusedAt: null,
    reportRefusedMessage: null,
    ...overrides,
  };
}

const kinds = (device: DeviceFacts, newestVersion: string | null = '1.4.0'): TroubleKind[] =>
  troublesOf(device, { now, newestVersion }).map((trouble) => trouble.kind);

describe('the trouble rule', () => {
  it('finds nothing wrong with a device seen a minute ago whose report is healthy', () => {
    expect(troublesOf(facts(), { now, newestVersion: '1.4.0' })).toEqual([]);
  });

  it('says a device not seen for 15 minutes by the hub’s clock is critical, in words with how long', () => {
    const seen = facts({ lastSeenAt: now - troubleThresholds.notSeenMs + 1 });
    expect(kinds(seen)).toEqual([]);
    const silent = troublesOf(facts({ lastSeenAt: now - 22 * minute }), { now, newestVersion: null });
    expect(silent).toEqual([{ kind: 'notSeen', severity: 'critical', message: 'Not seen for 22 minutes.' }]);
  });

  it('counts a device never seen since enrolling from its enrollment', () => {
    const never = troublesOf(facts({ lastSeenAt: null, report: null, reportReceivedAt: null, enrolledAt: now - 3 * 60 * minute }), {
      now,
      newestVersion: null,
    });
    expect(never).toEqual([{ kind: 'notSeen', severity: 'critical', message: 'Not seen since it enrolled 3 hours ago.' }]);
    expect(kinds(facts({ lastSeenAt: null, report: null, reportReceivedAt: null, enrolledAt: now - 2 * minute }))).toEqual([]);
  });

  it('names a disconnected reader and leaves a connecting one alone', () => {
    const report = healthyReport({
      readers: [
        { readerId: 'badge', kind: 'serialRfid', state: 'disconnected', lastEventAt: null },
        { readerId: 'scanner', kind: 'serialScanner', state: 'connecting', lastEventAt: null },
      ],
    });
    expect(troublesOf(facts({ report }), { now, newestVersion: null })).toEqual([
      { kind: 'readerDisconnected', severity: 'critical', message: 'The serialRfid reader "badge" is disconnected.' },
    ]);
  });

  it('warns of low storage and calls it critical when nearly none is left', () => {
    const low = troublesOf(facts({ report: healthyReport({ storage: { freeBytes: 700e6, storeBytes: 1 } }) }), { now, newestVersion: null });
    expect(low).toEqual([{ kind: 'storageLow', severity: 'warning', message: 'Storage low: 700 MB free.' }]);
    const nearlyFull = troublesOf(facts({ report: healthyReport({ storage: { freeBytes: 50e6, storeBytes: 1 } }) }), { now, newestVersion: null });
    expect(nearlyFull[0]?.severity).toBe('critical');
    expect(kinds(facts({ report: healthyReport({ storage: { freeBytes: null, storeBytes: 1 } }) }))).toEqual([]);
  });

  it('warns of a low battery only while it is not charging', () => {
    const tablet = (percent: number, charging: boolean): DeviceFacts => facts({ kind: 'tablet', report: healthyReport({ battery: { percent, charging } }) });
    expect(troublesOf(tablet(18, false), { now, newestVersion: null })).toEqual([
      { kind: 'batteryLow', severity: 'warning', message: 'Battery low: 18% and not charging.' },
    ]);
    expect(troublesOf(tablet(7, false), { now, newestVersion: null })[0]?.severity).toBe('critical');
    expect(kinds(tablet(7, true))).toEqual([]);
    expect(kinds(tablet(21, false))).toEqual([]);
  });

  it('calls an outbox stuck when its oldest action has waited half an hour', () => {
    const stuck = facts({ report: healthyReport({ outbox: { pending: 3, oldestPendingAgeMs: 95 * minute } }) });
    expect(troublesOf(stuck, { now, newestVersion: null })).toEqual([
      { kind: 'outboxStuck', severity: 'critical', message: '3 actions have not reached the hub; the oldest has waited 1 hour 35 minutes.' },
    ]);
    expect(kinds(facts({ report: healthyReport({ outbox: { pending: 3, oldestPendingAgeMs: 2 * minute } }) }))).toEqual([]);
  });

  it('notes a version behind the newest in the fleet, comparing numbers as numbers', () => {
    expect(troublesOf(facts({ report: healthyReport({ appVersion: '1.9.2' }) }), { now, newestVersion: '1.10.0' })).toEqual([
      { kind: 'versionBehind', severity: 'notice', message: 'Runs version 1.9.2; the newest in the fleet is 1.10.0.' },
    ]);
    expect(kinds(facts(), '1.4.0')).toEqual([]);
  });

  it('warns of a clock more than five minutes off the hub’s', () => {
    const ahead = facts({ report: healthyReport({ deviceTime: now - minute + 7 * minute }) });
    expect(troublesOf(ahead, { now, newestVersion: null })).toEqual([
      { kind: 'clockWrong', severity: 'warning', message: 'Its clock is 7 minutes ahead of the hub’s.' },
    ]);
  });

  it('says a revoked device is revoked and nothing else; a lost one not yet wiped is a warning', () => {
    const retired = facts({ revokedAt: now - minute, revokedReason: 'retired', lastSeenAt: now - 60 * minute, report: healthyReport({ appVersion: '0.1.0' }) });
    expect(troublesOf(retired, { now, newestVersion: '1.4.0' })).toEqual([
      { kind: 'revoked', severity: 'notice', message: 'Revoked (retired); its credential opens nothing at the hub.' },
    ]);
    const lost = troublesOf(facts({ revokedAt: now - minute, revokedReason: 'lost', wipePending: true }), { now, newestVersion: null });
    expect(lost.map((trouble) => [trouble.kind, trouble.severity])).toEqual([['revoked', 'warning']]);
  });

  it('reports a refused health report in the hub’s words', () => {
    const refused = facts({ reportRefusedAt: now - minute, reportRefusedMessage: 'The health report was not stored: readers: Too big.' });
    expect(troublesOf(refused, { now, newestVersion: null })).toEqual([
      { kind: 'reportRefused', severity: 'warning', message: 'Its last health report was refused: The health report was not stored: readers: Too big.' },
    ]);
  });

  it('takes the worst severity of several troubles', () => {
    const several = troublesOf(
      facts({ lastSeenAt: now - 20 * minute, report: healthyReport({ appVersion: '1.0.0', storage: { freeBytes: 700e6, storeBytes: 1 } }) }),
      {
        now,
        newestVersion: '1.4.0',
      },
    );
    expect(several.map((trouble) => trouble.kind)).toEqual(['notSeen', 'storageLow', 'versionBehind']);
    expect(worstSeverity(several)).toBe('critical');
    expect(worstSeverity([])).toBeNull();
  });
});

describe('the fleet order', () => {
  it('puts trouble first, worst first, then units and names in natural order, devices without a unit last, revoked ones at the end', () => {
    const row = (deviceName: string, unitName: string | null, worst: 'critical' | 'warning' | 'notice' | null, revokedAt: number | null = null) => ({
      deviceName,
      unitName,
      worst,
      revokedAt,
      deviceId: deviceName,
    });
    const fleet = [
      row('Kiosk 10', 'Unit B', null),
      row('Retired 1', 'Unit A', 'notice', now),
      row('Kiosk 2', 'Unit B', null),
      row('Tablet 1', null, null),
      row('Kiosk 1', 'Unit A', null),
      row('Kiosk 3', 'Unit B', 'notice'),
      row('Lost 1', null, 'warning', now),
      row('Tablet 9', null, 'critical'),
      row('Kiosk 4', 'Unit C', 'warning'),
      row('Kiosk 5', 'Unit A', 'critical'),
    ];
    expect([...fleet].sort(fleetOrder).map((device) => device.deviceName)).toEqual([
      'Kiosk 5',
      'Tablet 9',
      'Kiosk 4',
      'Lost 1',
      'Kiosk 3',
      'Kiosk 1',
      'Kiosk 2',
      'Kiosk 10',
      'Tablet 1',
      'Retired 1',
    ]);
  });
});

describe('the words and versions', () => {
  it('says durations in words', () => {
    expect(durationInWords(60_000)).toBe('1 minute');
    expect(durationInWords(120 * 60_000)).toBe('2 hours');
    expect(durationInWords(3 * 24 * 60 * 60_000)).toBe('3 days');
  });

  it('compares versions part by part, a pre-release before its release', () => {
    expect(compareVersions('0.10.0', '0.9.2')).toBeGreaterThan(0);
    expect(compareVersions('1.2.0-rc1', '1.2.0')).toBeLessThan(0);
    expect(compareVersions('1.2', '1.2.0')).toBe(0);
    expect(newestVersionOf(['0.9.2', '0.10.0', '0.10.0-rc2'])).toBe('0.10.0');
    expect(newestVersionOf([])).toBeNull();
  });
});
