// The keyboard-mode reader driver: frames a shell's detector took off the keyboard become scans, bursts that were not
// reads and text no reader could send under its settings become bad reads, counted by reason; never card text in health.
import { describe, expect, it } from 'vitest';
import { createKeyboardWedgeReader, isKeyboardWedgeReader, keyboardWedgeConfigOf, type KeyboardWedgeConfig } from '../../../hardware/drivers/keyboard-wedge';
import type { ReaderEvent } from '../../../hardware/reader';
import { ReaderConfig } from '../../../hardware/reader-config';
import { KioskConfig } from '../../../kiosk-config/schema';

function wedgeConfig(overrides: Record<string, unknown> = {}): KeyboardWedgeConfig {
  const parsed = ReaderConfig.parse({ id: 'keyboard', kind: 'keyboardWedge', ...overrides });
  if (parsed.kind !== 'keyboardWedge') throw new Error('not a keyboard reader');
  return parsed;
}

async function startedReader(overrides: Record<string, unknown> = {}) {
  let clock = 1000;
  const reader = createKeyboardWedgeReader(wedgeConfig(overrides), { now: () => clock });
  const events: ReaderEvent[] = [];
  reader.onEvent((event) => events.push(event));
  await reader.start();
  return { reader, events, advance: (ms: number) => (clock += ms) };
}

describe('keyboard-mode reader driver', () => {
  it('is connected once started (it cannot be seen until it types) and disconnected once stopped', async () => {
    const { reader, events } = await startedReader();
    expect(events).toEqual([{ type: 'connection', readerId: 'keyboard', state: 'connected', detail: null }]);
    expect(reader.health()).toEqual({
      readerId: 'keyboard',
      kind: 'keyboardWedge',
      connection: 'connected',
      goodReads: 0,
      badReads: 0,
      badReadsByReason: {},
      problem: null,
      lastEventAt: null,
    });
    await reader.stop();
    expect(reader.health().connection).toBe('disconnected');
  });

  it('turns a frame into a scan with format keyboard and no symbology', async () => {
    const { reader, events, advance } = await startedReader();
    advance(500);
    reader.acceptFrame('R100001');
    expect(events.at(-1)).toEqual({ type: 'scan', frame: { readerId: 'keyboard', text: 'R100001', symbology: null, format: 'keyboard' } });
    expect(reader.health()).toMatchObject({ goodReads: 1, badReads: 0, lastEventAt: 1500 });
  });

  it('counts a rejected burst as a bad read with its reason', async () => {
    const { reader, events } = await startedReader();
    reader.rejectBurst('unframedBurst');
    reader.rejectBurst('oversizeFrame');
    reader.rejectBurst('unframedBurst');
    expect(events.slice(1)).toEqual([
      { type: 'rejected', readerId: 'keyboard', reason: 'unframedBurst' },
      { type: 'rejected', readerId: 'keyboard', reason: 'oversizeFrame' },
      { type: 'rejected', readerId: 'keyboard', reason: 'unframedBurst' },
    ]);
    expect(reader.health()).toMatchObject({ goodReads: 0, badReads: 3, badReadsByReason: { unframedBurst: 2, oversizeFrame: 1 } });
  });

  it('checks frame text it is handed (it may have come over a socket): empty, too long or with control characters is a bad read', async () => {
    const { reader, events } = await startedReader({ maxFrameLength: 8 });
    reader.acceptFrame('');
    reader.acceptFrame('123456789');
    reader.acceptFrame('12\n34');
    reader.acceptFrame('12345678');
    // Counted in characters as the detector counts keys, so a name with accents or an emoji is not cut short.
    reader.acceptFrame('ÑÑÑÑÑÑÑÑ');
    expect(events.slice(1).map((event) => (event.type === 'rejected' ? event.reason : event.type))).toEqual([
      'emptyFrame',
      'oversizeFrame',
      'unprintable',
      'scan',
      'scan',
    ]);
    expect(reader.health()).toMatchObject({ goodReads: 2, badReads: 3 });
  });

  it('never puts read text in health', async () => {
    const { reader } = await startedReader();
    reader.acceptFrame('R123456');
    expect(JSON.stringify(reader.health())).not.toContain('123456');
  });

  it('ignores reads after stop: a late frame from a shell must not sign anyone in', async () => {
    const { reader, events } = await startedReader();
    await reader.stop();
    const before = events.length;
    reader.acceptFrame('R100001');
    reader.rejectBurst('unframedBurst');
    expect(events).toHaveLength(before);
  });

  it('hands the shell its detector settings as the site file gave them, framing written as keys', () => {
    const reader = createKeyboardWedgeReader(wedgeConfig({ prefix: ';', suffix: '?' }));
    expect(reader.settings).toEqual({ maxGapMs: 25, idleTimeoutMs: 50, minFrameLength: 4, maxFrameLength: 256, prefix: [';'], suffix: ['?'] });
    expect(createKeyboardWedgeReader(wedgeConfig()).settings).toMatchObject({ prefix: [], suffix: ['Enter'] });
    expect(isKeyboardWedgeReader(reader)).toBe(true);
  });
});

describe('keyboardWedge in the site file', () => {
  const site = (readers: unknown[]) => ({
    site: { name: 'S' },
    device: { name: 'K', mode: 'kiosk' },
    languages: { offered: ['en'], default: 'en' },
    session: { idleSeconds: 60, idleWarningSeconds: 15, maxSessionMinutes: 15 },
    readers,
    credentials: { resident: { pattern: '^R(\\d{6})$' } },
  });

  it('takes the defaults of wedge-settings.ts', () => {
    const config = KioskConfig.parse(site([{ id: 'keyboard', kind: 'keyboardWedge' }]));
    expect(keyboardWedgeConfigOf(config)).toEqual({
      id: 'keyboard',
      kind: 'keyboardWedge',
      maxGapMs: 25,
      idleTimeoutMs: 50,
      minFrameLength: 4,
      maxFrameLength: 256,
      prefix: [],
      suffix: ['Enter'],
    });
  });

  it('refuses settings the detector could not run, naming the field', () => {
    const result = KioskConfig.safeParse(site([{ id: 'keyboard', kind: 'keyboardWedge', maxGapMs: 40, idleTimeoutMs: 30 }]));
    expect(result.success).toBe(false);
    expect(result.error?.issues).toEqual([
      expect.objectContaining({ path: ['readers', 0, 'idleTimeoutMs'], message: expect.stringMatching(/longer than maxGapMs/) }),
    ]);
  });

  it('allows one keyboardWedge reader per site, beside other readers: there is one keyboard', () => {
    expect(
      KioskConfig.safeParse(
        site([
          { id: 'scanner', kind: 'serialScanner', path: '/dev/ttyUSB0' },
          { id: 'keyboard', kind: 'keyboardWedge' },
        ]),
      ).success,
    ).toBe(true);
    const result = KioskConfig.safeParse(
      site([
        { id: 'a', kind: 'keyboardWedge' },
        { id: 'b', kind: 'keyboardWedge', prefix: '%' },
      ]),
    );
    expect(result.success).toBe(false);
    expect(result.error?.issues).toEqual([
      expect.objectContaining({ path: ['readers', 1], message: expect.stringMatching(/at most one keyboardWedge reader/) }),
    ]);
  });
});
