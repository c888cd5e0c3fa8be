// The web host's frames as the renderer reads and writes them.
import { describe, expect, it } from 'vitest';
import { ClientFrame } from '../../../main/contract';
import { encodeCallFrame, hostSocketUrl, parseServerFrame, reconnectDelayMs } from '../../../renderer/src/api/frames';

describe('parseServerFrame', () => {
  it('reads results, events and refusals', () => {
    expect(parseServerFrame(JSON.stringify({ type: 'result', id: 7, result: { ok: true, value: { done: true } } }))).toEqual({
      type: 'result',
      id: 7,
      result: { ok: true, value: { done: true } },
    });
    expect(parseServerFrame(JSON.stringify({ type: 'result', id: 8, result: { ok: false, error: { code: 'timeout', message: 'slow' } } }))).toMatchObject({
      result: { ok: false, error: { code: 'timeout' } },
    });
    expect(
      parseServerFrame(JSON.stringify({ type: 'event', name: 'session.changed', payload: { phase: 'attract', notice: null, noticeLanguage: null } })),
    ).toMatchObject({
      type: 'event',
      name: 'session.changed',
    });
    expect(parseServerFrame(JSON.stringify({ type: 'refused', error: { code: 'invalidInput', message: 'bad frame' } }))).toMatchObject({ type: 'refused' });
  });

  it.each([
    ['binary data', new Uint8Array([123, 125])],
    ['not JSON', '{"type":'],
    ['JSON but not an object', '42'],
    ['an unknown type', JSON.stringify({ type: 'hello' })],
    ['a result without an id', JSON.stringify({ type: 'result', result: { ok: true, value: 1 } })],
    ['a negative id', JSON.stringify({ type: 'result', id: -1, result: { ok: true, value: 1 } })],
    ['a fractional id', JSON.stringify({ type: 'result', id: 1.5, result: { ok: true, value: 1 } })],
    ['an error code the contract does not know', JSON.stringify({ type: 'result', id: 1, result: { ok: false, error: { code: 'oops', message: '' } } })],
    ['an event without a name', JSON.stringify({ type: 'event', payload: {} })],
    ['nothing', undefined],
  ])('returns null for %s', (_case, data) => {
    expect(parseServerFrame(data)).toBeNull();
  });
});

describe('encodeCallFrame', () => {
  it('writes a frame the host parses as a ClientFrame', () => {
    const text = encodeCallFrame(3, 'session.enterPin', { pin: '1234' });
    expect(ClientFrame.parse(JSON.parse(text))).toEqual({ type: 'call', id: 3, name: 'session.enterPin', input: { pin: '1234' } });
  });
});

describe('hostSocketUrl', () => {
  it('uses the page host, the bridge path and the token from the page URL', () => {
    expect(hostSocketUrl({ protocol: 'http:', host: '127.0.0.1:5173', search: '?token=abc%2Fdef&x=1' })).toBe('ws://127.0.0.1:5173/bridge?token=abc%2Fdef');
  });

  it('uses wss on an https page', () => {
    expect(hostSocketUrl({ protocol: 'https:', host: 'kiosk.local', search: '?token=t' })).toBe('wss://kiosk.local/bridge?token=t');
  });

  it('sends no token when the page has none (the host will refuse it)', () => {
    expect(hostSocketUrl({ protocol: 'http:', host: 'localhost:1', search: '' })).toBe('ws://localhost:1/bridge');
  });
});

describe('reconnectDelayMs', () => {
  it('starts quick, doubles, and stops growing at 10 s', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 20].map(reconnectDelayMs)).toEqual([250, 500, 1000, 2000, 4000, 8000, 10_000, 10_000, 10_000]);
  });
});
