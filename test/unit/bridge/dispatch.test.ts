// The one gate every renderer call passes: unknown names, bad payloads and calls outside the session are refused in words.
import { describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { createDispatcher, DeviceCallError, type CallHandlers, type SessionAccess } from '../../../main/bridge/dispatch';
import { DeviceActionError } from '../../../main/device-actions';
import { TabletAssignmentError } from '../../../main/tablet/tablet-assignment';
import { callNames, deviceCalls, type CallName, type DeviceInfo, type SyncStatus } from '../../../main/contract';

function dispatcherWith(
  access: SessionAccess | (() => SessionAccess),
  overrides: Partial<CallHandlers> = {},
  reportInternalError?: (name: CallName, error: unknown) => void,
) {
  const calls: string[] = [];
  const record =
    <T>(name: string, value: T) =>
    () => {
      calls.push(name);
      return value;
    };
  const info: DeviceInfo = {
    deviceName: 'K',
    siteName: 'S',
    mode: 'kiosk',
    appVersion: '0',
    languages: ['en'],
    defaultLanguage: 'en',
    language: 'en',
    keyboardWedge: null,
    tablet: null,
    timeZone: 'UTC',
    clockAt: 0,
  };
  const attract = { phase: 'attract', notice: null, noticeLanguage: null } as const;
  const notEnrolled: SyncStatus = {
    state: 'notEnrolled',
    lastSuccessAt: null,
    pendingMutations: 0,
    lastError: null,
    nextAttemptAt: null,
    blobsWaiting: 0,
    errorCounts: {},
  };
  const handlers: CallHandlers = {
    'device.info': record('device.info', info),
    'device.readers': record('device.readers', []),
    'device.setLanguage': record('device.setLanguage', info),
    'device.keyboardRead': record('device.keyboardRead', { done: true }),
    'display.captions': record('display.captions', { wanted: false }),
    'display.setCaptions': record('display.setCaptions', { wanted: true }),
    'session.current': record('session.current', attract),
    'session.enterPin': record('session.enterPin', attract),
    'session.cancel': record('session.cancel', attract),
    'session.activity': record('session.activity', { done: true }),
    'session.signOut': record('session.signOut', attract),
    'sync.status': record('sync.status', {
      state: 'notEnrolled',
      lastSuccessAt: null,
      pendingMutations: 0,
      lastError: null,
      nextAttemptAt: null,
      blobsWaiting: 0,
      errorCounts: {},
    }),
    'sync.now': record('sync.now', { outcome: 'notEnrolled', retryAt: null, status: notEnrolled }),
    'tablet.syncNow': record('tablet.syncNow', { outcome: 'notEnrolled', retryAt: null, status: notEnrolled }),
    'home.summary': record('home.summary', {
      unreadMessages: 0,
      balance: null,
      waitingOnThisDevice: 0,
      nextVisit: null,
      stoppedLetters: 0,
      messagingPause: null,
    }),
    'mail.conversations': record('mail.conversations', []),
    'mail.conversation': record('mail.conversation', {
      contact: { contactId: 'c1', displayName: 'Rosa', relationship: 'sister', approved: true },
      total: 0,
      firstPosition: 0,
      messages: [],
      newestMessageId: null,
    }),
    'mail.markRead': record('mail.markRead', { done: true }),
    'mail.cost': record('mail.cost', { ok: false, refusal: { reason: 'rulesNotSynced' } }),
    'mail.send': record('mail.send', { ok: false, refusal: { reason: 'emptyMessage' } }),
    'mail.saveDraft': record('mail.saveDraft', { draftId: 'd', contactId: 'c1', contactName: 'Rosa', replyToMessageId: null, body: '', updatedAt: 1 }),
    'mail.drafts': record('mail.drafts', []),
    'mail.deleteDraft': record('mail.deleteDraft', { done: true }),
    'mail.search': record('mail.search', []),
    'mail.stoppedLetters': record('mail.stoppedLetters', []),
    'mail.stoppedLettersSeen': record('mail.stoppedLettersSeen', { done: true }),
    'visits.list': record('visits.list', { upcoming: [], recentPast: [], recentPastDays: 14 }),
    'money.stamps': record('money.stamps', { balance: null, books: [], purchases: [], history: [] }),
    'money.buyStamps': record('money.buyStamps', { ok: false, refusal: { reason: 'unknownBook' } }),
    'money.purchase': record('money.purchase', { requestId: 'r', bookSize: 5, priceCents: null, requestedAt: 1, outcome: { state: 'pending' } }),
    'money.account': record('money.account', {
      balance: null,
      entries: [],
      page: 0,
      pageCount: 1,
      totals: { depositsCents: 0, purchasesCents: 0, feesCents: 0 },
    }),
    'service.overview': record('service.overview', {
      deviceName: 'K',
      deviceId: null,
      siteName: 'S',
      mode: 'kiosk',
      appVersion: '0',
      hubUrl: null,
      enrolled: false,
      storage: { storeBytes: 0, walBytes: 0, attachmentsBytes: 0, logsBytes: 0, freeBytes: 0, totalBytes: 0, reserveHeld: true, level: 'ok' },
      storeEncryption: { state: 'off', reason: 'noKeyStore' },
      siteConfig: '{}',
      tabletAssignee: null,
      appUpdates: null,
    }),
    'service.readers': record('service.readers', { readers: [], recentReads: [] }),
    'service.sync': record('service.sync', notEnrolled),
    'service.syncNow': record('service.syncNow', { started: false, status: notEnrolled }),
    'service.logs': record('service.logs', { lines: [], totalBytes: 0 }),
    'service.exportLogs': record('service.exportLogs', { fileName: 'f.json', directory: '/tmp', bytes: 2 }),
    'service.restart': record('service.restart', { done: true }),
    'service.signOut': record('service.signOut', attract),
    'enrollment.status': record('enrollment.status', { credential: 'none', showEnrollment: true, suggestedHubUrl: null, siteName: null, deviceName: 'K' }),
    'enrollment.enroll': record('enrollment.enroll', { enrolled: false, error: 'badCode' }),
    'service.reenroll': record('service.reenroll', { enrolled: false, error: 'badCode' }),
    'service.wipeDevice': record('service.wipeDevice', { done: true }),
    'service.assignTablet': record('service.assignTablet', { assigned: false, error: 'notATablet' }),
    'service.unassignTablet': record('service.unassignTablet', { unassigned: false, error: 'notATablet', unsent: 0 }),
    ...overrides,
  };
  const onInternalError = vi.fn(reportInternalError);
  const onStorageFull = vi.fn();
  const currentAccess = typeof access === 'function' ? access : () => access;
  return { ...createDispatcher({ handlers, currentAccess, onInternalError, onStorageFull }), calls, onInternalError, onStorageFull };
}

describe('call dispatcher', () => {
  it('runs a valid call and returns its value', async () => {
    const { call, calls } = dispatcherWith({ kind: 'none' });
    await expect(call('session.enterPin', { pin: '1234' })).resolves.toEqual({ ok: true, value: { phase: 'attract', notice: null, noticeLanguage: null } });
    expect(calls).toEqual(['session.enterPin']);
  });

  it('refuses an unknown call, a prototype name and a non-string name', async () => {
    const { call, counters, calls } = dispatcherWith({ kind: 'none' });
    for (const name of ['session.hack', '__proto__', 'constructor', 42 as unknown as string]) {
      await expect(call(name, {})).resolves.toMatchObject({ ok: false, error: { code: 'unknownCall' } });
    }
    expect(counters.refused.unknownCall).toBe(4);
    expect(calls).toEqual([]);
  });

  it('refuses a payload that fails its schema, without running anything', async () => {
    const { call, calls, counters } = dispatcherWith({ kind: 'none' });
    for (const input of [{ pin: '12a4' }, { pin: 1234 }, { pin: '1234', extra: true }, 'pin', null]) {
      const result = await call('session.enterPin', input);
      expect(result).toMatchObject({ ok: false, error: { code: 'invalidInput' } });
    }
    expect(calls).toEqual([]);
    expect(counters.refused.invalidInput).toBe(5);
  });

  it('refuses a resident call when nobody is signed in, and when staff are', async () => {
    await expect(dispatcherWith({ kind: 'none' }).call('session.signOut', {})).resolves.toMatchObject({ ok: false, error: { code: 'notSignedIn' } });
    await expect(dispatcherWith({ kind: 'staff', staffId: 's' }).call('session.signOut', {})).resolves.toMatchObject({
      ok: false,
      error: { code: 'notAuthorized' },
    });
    await expect(dispatcherWith({ kind: 'resident', residentId: 'r' }).call('session.signOut', {})).resolves.toMatchObject({ ok: true });
  });

  it('sync status is for anyone at the screen; the home summary only for a signed-in resident', async () => {
    await expect(dispatcherWith({ kind: 'none' }).call('sync.status', {})).resolves.toMatchObject({ ok: true, value: { state: 'notEnrolled' } });
    await expect(dispatcherWith({ kind: 'none' }).call('home.summary', {})).resolves.toMatchObject({ ok: false, error: { code: 'notSignedIn' } });
    await expect(dispatcherWith({ kind: 'staff', staffId: 's' }).call('home.summary', {})).resolves.toMatchObject({
      ok: false,
      error: { code: 'notAuthorized' },
    });
    await expect(dispatcherWith({ kind: 'resident', residentId: 'r' }).call('home.summary', {})).resolves.toMatchObject({
      ok: true,
      value: { unreadMessages: 0, balance: null },
    });
  });

  it('refuses every staff call to a resident and to nobody, and every resident call to staff, without running any', async () => {
    const validInput: Partial<Record<CallName, unknown>> = { 'service.logs': { limit: 10 } };
    const namesFor = (access: 'staff' | 'resident') => callNames.filter((name) => deviceCalls[name].access === access);
    expect(namesFor('staff')).toEqual(
      expect.arrayContaining(['service.overview', 'service.readers', 'service.syncNow', 'service.exportLogs', 'service.restart', 'service.signOut']),
    );
    for (const name of namesFor('staff')) {
      const asResident = dispatcherWith({ kind: 'resident', residentId: 'r' });
      await expect(asResident.call(name, validInput[name] ?? {}), name).resolves.toMatchObject({ ok: false, error: { code: 'notAuthorized' } });
      const asNobody = dispatcherWith({ kind: 'none' });
      await expect(asNobody.call(name, validInput[name] ?? {}), name).resolves.toMatchObject({ ok: false, error: { code: 'notSignedIn' } });
      expect([...asResident.calls, ...asNobody.calls]).toEqual([]);
    }
    for (const name of namesFor('resident')) {
      const asStaff = dispatcherWith({ kind: 'staff', staffId: 's' });
      await expect(asStaff.call(name, {}), name).resolves.toMatchObject({ ok: false, error: { code: 'notAuthorized' } });
      expect(asStaff.calls).toEqual([]);
    }
  });

  it('runs a staff call for staff', async () => {
    const { call, calls } = dispatcherWith({ kind: 'staff', staffId: 's' });
    await expect(call('service.overview', {})).resolves.toMatchObject({ ok: true, value: { deviceName: 'K', enrolled: false } });
    await expect(call('service.logs', { limit: 1000 })).resolves.toMatchObject({ ok: false, error: { code: 'invalidInput' } });
    expect(calls).toEqual(['service.overview']);
  });

  it('passes a handler refusal through with its code, and hides internal errors behind a worded one', async () => {
    const refusing = dispatcherWith(
      { kind: 'none' },
      {
        'device.setLanguage': () => {
          throw new DeviceCallError('languageNotOffered', 'no');
        },
      },
    );
    await expect(refusing.call('device.setLanguage', { language: 'es' })).resolves.toEqual({ ok: false, error: { code: 'languageNotOffered', message: 'no' } });
    const crashing = dispatcherWith(
      { kind: 'none' },
      {
        'device.info': () => {
          throw new Error('disk on fire');
        },
      },
    );
    const result = await crashing.call('device.info', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(JSON.stringify(result)).not.toContain('disk on fire');
    expect(crashing.onInternalError).toHaveBeenCalledOnce();
  });

  it('turns a service’s own coded error into the caller’s refusal, with the service’s sentence', async () => {
    const busy = dispatcherWith(
      { kind: 'staff', staffId: 's' },
      {
        'service.unassignTablet': () => {
          throw new TabletAssignmentError('changeInProgress', 'already being changed');
        },
      },
    );
    await expect(busy.call('service.unassignTablet', { confirm: 'unassign', staffPin: '1234' })).resolves.toEqual({
      ok: false,
      error: { code: 'wrongPhase', message: 'already being changed' },
    });
    expect(busy.onInternalError).not.toHaveBeenCalled();
    const noRestart = dispatcherWith(
      { kind: 'staff', staffId: 's' },
      {
        'service.wipeDevice': () => {
          throw new DeviceActionError('cannotRestart', 'cannot wipe now');
        },
      },
    );
    await expect(noRestart.call('service.wipeDevice', { confirm: 'wipe' })).resolves.toEqual({
      ok: false,
      error: { code: 'unavailable', message: 'cannot wipe now' },
    });
    const enrolled = dispatcherWith(
      { kind: 'none' },
      {
        'enrollment.enroll': () => {
          throw new DeviceActionError('alreadyEnrolled', 'already set up');
        },
      },
    );
    await expect(enrolled.call('enrollment.enroll', { hubUrl: 'https://hub.example/', code: 'ABCD-EFGH' })).resolves.toEqual({
      ok: false,
      error: { code: 'notAuthorized', message: 'already set up' },
    });
  });

  it('never throws and never runs a handler for random payloads', async () => {
    const { call, calls } = dispatcherWith({ kind: 'none' });
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.constantFrom(...callNames), fc.string()), fc.anything(), async (name, input) => {
        const before = calls.length;
        const result = await call(name, input);
        if (!result.ok) expect(calls.length).toBe(before);
        expect(typeof result.ok).toBe('boolean');
      }),
      { numRuns: 500 },
    );
  });
});

describe('call dispatcher when reporting fails too', () => {
  const diskFull = (): never => {
    throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
  };

  it('answers deviceFull, never internal, when a handler meets a full disk, and lets the runtime give its reserve back', async () => {
    const sqliteFull = (): never => {
      throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    };
    const { call, onInternalError, onStorageFull } = dispatcherWith({ kind: 'resident', residentId: 'r' }, { 'mail.saveDraft': sqliteFull });
    const result = await call('mail.saveDraft', {
      draftId: '6f1c2b7e-8d0a-4e5b-9c3d-2a1b0c9d8e7f',
      contactId: 'c1',
      replyToMessageId: null,
      body: 'Dear Rosa',
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'deviceFull' } });
    expect(onStorageFull).toHaveBeenCalledWith('mail.saveDraft');
    expect(onInternalError).not.toHaveBeenCalled();
  });

  it('answers internal, never rejects, when the handler throws and the error reporter throws as well (a log on a full disk)', async () => {
    const broken = (): never => {
      throw new Error('the store is gone');
    };
    const { call, onInternalError } = dispatcherWith({ kind: 'none' }, { 'session.enterPin': broken }, diskFull);
    await expect(call('session.enterPin', { pin: '1234' })).resolves.toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(onInternalError).toHaveBeenCalledTimes(1);
  });

  it('answers internal, never rejects, when even the session lookup throws', async () => {
    const { call } = dispatcherWith(() => {
      throw new Error('the store is gone');
    });
    await expect(call('session.enterPin', { pin: '1234' })).resolves.toMatchObject({ ok: false, error: { code: 'internal' } });
  });
});
