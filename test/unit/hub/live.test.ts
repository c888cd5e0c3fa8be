// The hub's live knowledge (hub/live): what it may answer from memory, what it must forget, and what a stream may cost.
// Streams write to real Node Writables: one that takes everything, and one whose reader never reads.
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CommitNoteBuilder, CommitWatchers, notePayload, parseNotePayload, type CommitNote } from '../../../hub/db/commit-notes';
import { ChangeStreams, defaultStreamLimits, streamEvents, type StreamSink } from '../../../hub/live/change-streams';
import { DeviceCredentialCache } from '../../../hub/live/device-credentials';
import { DeviceSightingWriter } from '../../../hub/live/device-sightings';
import { PullShortcut } from '../../../hub/live/pull-shortcut';
import type { DeviceSighting } from '../../../hub/services/device-health';
import type { DeviceRow } from '../../../hub/services/devices';
import { deviceAudienceKeys } from '../../../hub/services/change-log';

const quietLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

function note(log: CommitNote['log'], devices: string[] = []): CommitNote {
  return { log, devices };
}

describe('commit notes', () => {
  it('merge one transaction’s appends per site, at the highest seq', () => {
    const builder = new CommitNoteBuilder();
    builder.announceLog('s1', ['u:a', 'r:1'], 10);
    builder.announceLog('s1', ['u:a'], 12);
    builder.announceLog('s2', ['s:s2'], 11);
    builder.announceDevice('d1');
    builder.announceDevice('d1');
    expect(builder.build()).toEqual({
      log: [
        { site: 's1', keys: ['u:a', 'r:1'], seq: 12 },
        { site: 's2', keys: ['s:s2'], seq: 11 },
      ],
      devices: ['d1'],
    });
  });

  it('go as an overflow when too large for NOTIFY, and anything unreadable is not a note', () => {
    const big = note([{ site: 's', keys: Array.from({ length: 600 }, (_, index) => `r:resident-${index}`), seq: 5 }]);
    const payload = notePayload(big, 'me');
    expect(Buffer.byteLength(payload)).toBeLessThan(8000);
    expect(parseNotePayload(payload)).toEqual({ log: [], devices: [], overflow: true, origin: 'me' });
    expect(parseNotePayload(notePayload(note([{ site: 's', keys: ['d:x'], seq: 3 }]), 'me'))?.log).toEqual([{ site: 's', keys: ['d:x'], seq: 3 }]);
    for (const junk of ['', 'not json', '{"log":[{"site":"s","keys":["x:bad"],"seq":1}],"devices":[]}', '{"log":[],"devices":[],"extra":1}', undefined])
      expect(parseNotePayload(junk)).toBeNull();
  });

  it('an overflow makes every watcher start over; a watcher that throws does not stop the others', () => {
    const errors: unknown[] = [];
    const watchers = new CommitWatchers(true, (error) => errors.push(error));
    const heard: string[] = [];
    watchers.add({
      committed: () => {
        throw new Error('broken watcher');
      },
      gap: () => undefined,
      watching: () => undefined,
    });
    watchers.add({ committed: () => heard.push('note'), gap: () => heard.push('gap'), watching: () => heard.push('watching') });
    watchers.committed(note([{ site: 's', keys: ['s:s'], seq: 1 }]));
    watchers.committed({ log: [], devices: [], overflow: true });
    expect(heard).toEqual(['watching', 'note', 'gap', 'watching']);
    expect(errors).toHaveLength(1);
  });
});

describe('the pull shortcut', () => {
  const kiosk = { device_id: 'k1', site_id: 's', housing_unit_id: 'u1', assigned_resident_id: null };
  const keys = deviceAudienceKeys(kiosk);

  function shortcut(): { shortcut: PullShortcut; raised: string[][]; resyncs: number[] } {
    const raised: string[][] = [];
    const resyncs: number[] = [];
    const shortcut = new PullShortcut({ raised: (_site, keys) => raised.push([...keys]), resync: () => resyncs.push(1) });
    return { shortcut, raised, resyncs };
  }

  it('is sure of nothing until it hears notes and has issued the device’s cursor itself', () => {
    const { shortcut: known } = shortcut();
    expect(known.nothingNew('k1', keys, { seq: 10, fingerprint: 'f' })).toBe(false);
    known.watching();
    expect(known.nothingNew('k1', keys, { seq: 10, fingerprint: 'f' })).toBe(false);
    known.issue('k1', { seq: 10, fingerprint: 'f' }, known.currentGeneration);
    expect(known.nothingNew('k1', keys, { seq: 10, fingerprint: 'f' })).toBe(true);
    // Another cursor, or the same seq with another fingerprint (a hub restored to another history): not sure.
    expect(known.nothingNew('k1', keys, { seq: 9, fingerprint: 'f' })).toBe(false);
    expect(known.nothingNew('k1', keys, { seq: 10, fingerprint: 'g' })).toBe(false);
  });

  it('a note past the cursor for any of the device’s keys sends its pull to the database; others’ notes do not', () => {
    const { shortcut: known, raised } = shortcut();
    known.watching();
    known.issue('k1', { seq: 10, fingerprint: 'f' }, known.currentGeneration);
    known.committed(note([{ site: 's', keys: ['u:other-unit', 'r:someone'], seq: 11 }]));
    expect(known.nothingNew('k1', keys, { seq: 10, fingerprint: 'f' })).toBe(true);
    known.committed(note([{ site: 's', keys: ['u:u1'], seq: 12 }]));
    expect(known.nothingNew('k1', keys, { seq: 10, fingerprint: 'f' })).toBe(false);
    // The same key at a seq it already passed raises nothing (a note heard twice, from this process and from LISTEN).
    known.committed(note([{ site: 's', keys: ['u:u1'], seq: 12 }]));
    expect(raised).toEqual([['u:other-unit', 'r:someone'], ['u:u1']]);
  });

  it('forgets a device named by a note, and everything at a gap; a pull begun before the gap issues nothing', () => {
    const { shortcut: known, resyncs } = shortcut();
    known.watching();
    known.issue('k1', { seq: 10, fingerprint: 'f' }, known.currentGeneration);
    known.committed(note([], ['k1']));
    expect(known.nothingNew('k1', keys, { seq: 10, fingerprint: 'f' })).toBe(false);
    const before = known.currentGeneration;
    known.gap();
    known.issue('k1', { seq: 10, fingerprint: 'f' }, before);
    known.watching();
    known.issue('k1', { seq: 10, fingerprint: 'f' }, before);
    expect(known.nothingNew('k1', keys, { seq: 10, fingerprint: 'f' })).toBe(false);
    // Resuming after a gap tells every stream to pull once.
    expect(resyncs).toHaveLength(1);
  });
});

describe('the credential cache', () => {
  const row = (deviceId: string, revoked = false): DeviceRow =>
    ({ device_id: deviceId, secret_hash: `hash-${deviceId}`, site_id: 's', revoked_at: revoked ? 1 : null }) as DeviceRow;

  it('keeps only devices in good standing, and nothing while notes are not heard', () => {
    const cache = new DeviceCredentialCache();
    cache.remember(row('d1'), cache.ticket());
    expect(cache.find('hash-d1')).toBeNull();
    cache.watching();
    cache.remember(row('d1'), cache.ticket());
    cache.remember(row('d2', true), cache.ticket());
    expect(cache.find('hash-d1')?.device_id).toBe('d1');
    expect(cache.find('hash-d2')).toBeNull();
    cache.gap();
    expect(cache.find('hash-d1')).toBeNull();
  });

  it('does not keep a row read before a note about its device arrived (it may predate the revocation)', () => {
    const cache = new DeviceCredentialCache();
    cache.watching();
    const ticket = cache.ticket();
    cache.committed(note([], ['d1']));
    cache.remember(row('d1'), ticket);
    expect(cache.find('hash-d1')).toBeNull();
    cache.remember(row('d1'), cache.ticket());
    expect(cache.find('hash-d1')?.device_id).toBe('d1');
    cache.committed(note([], ['d1']));
    expect(cache.find('hash-d1')).toBeNull();
  });

  it('holds at most its size, dropping the least recently used', () => {
    const cache = new DeviceCredentialCache(2);
    cache.watching();
    cache.remember(row('a'), cache.ticket());
    cache.remember(row('b'), cache.ticket());
    cache.find('hash-a');
    cache.remember(row('c'), cache.ticket());
    expect([cache.find('hash-a'), cache.find('hash-b'), cache.find('hash-c')].map((found) => found?.device_id ?? null)).toEqual(['a', null, 'c']);
    expect(cache.size).toBe(2);
  });
});

describe('device sightings written behind the pulls', () => {
  const seen = (deviceId: string, seenAt: number, seq = 0, health: DeviceSighting['health'] = null): DeviceSighting => ({
    deviceId,
    seenAt,
    pulledThroughSeq: seq,
    health,
  });

  it('write the pulls of one moment together, one row per device, and skip a device seen again with nothing new', async () => {
    const batches: DeviceSighting[][] = [];
    const writer = new DeviceSightingWriter(async (batch) => void batches.push([...batch]), quietLogger, 60_000);
    writer.record(seen('a', 1000));
    writer.record(seen('b', 1000));
    writer.record(seen('a', 1001, 0, { ok: true, report: { appVersion: '1.0.0' } as never }));
    writer.record(seen('a', 1002));
    await writer.flush();
    expect(batches).toHaveLength(1);
    expect(batches[0]?.map((sighting) => [sighting.deviceId, sighting.seenAt, sighting.health?.ok ?? null])).toEqual([
      ['a', 1002, true],
      ['b', 1000, null],
    ]);
    writer.record(seen('a', 30_000));
    writer.record(seen('b', 30_000, 7));
    writer.record(seen('a', 62_002));
    await writer.flush();
    expect(
      batches
        .slice(1)
        .flat()
        .map((sighting) => [sighting.deviceId, sighting.seenAt]),
    ).toEqual([
      ['b', 30_000],
      ['a', 62_002],
    ]);
    expect(writer.counts).toMatchObject({ written: 4, skipped: 1, failures: 0, pending: 0 });
  });

  it('keep what failed to be written and write it when the database is back', async () => {
    let failing = true;
    const written: string[] = [];
    const writer = new DeviceSightingWriter(async (batch) => {
      if (failing) throw new Error('connection lost');
      written.push(...batch.map((sighting) => sighting.deviceId));
    }, quietLogger);
    writer.record(seen('a', 1));
    await vi.waitFor(() => expect(writer.counts.failures).toBe(1));
    failing = false;
    writer.record(seen('b', 2));
    await writer.flush();
    expect(written.sort()).toEqual(['a', 'b']);
    await writer.close();
  });
});

/** A real Writable that takes everything, as a socket that is read. */
function readSink(): { sink: StreamSink; text: () => string } {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
    decodeStrings: true,
  });
  return { sink, text: () => chunks.join('') };
}

/** A real Writable whose reader never reads: its buffer fills and never drains. */
function unreadSink(): StreamSink & { destroyedNow: () => boolean } {
  const sink = new Writable({ highWaterMark: 16, write: () => undefined });
  return Object.assign(sink, { destroyedNow: () => sink.destroyed });
}

describe('change streams', () => {
  const streams: ChangeStreams[] = [];
  afterEach(() => {
    for (const open of streams.splice(0)) open.closeAll();
  });
  const start = (limits: Partial<typeof defaultStreamLimits> = {}): ChangeStreams => {
    const opened = new ChangeStreams(quietLogger, { ...defaultStreamLimits, ...limits });
    streams.push(opened);
    return opened;
  };
  const countOf = (text: string, event: string): number => text.split(event).length - 1;

  it('say ready at once, then changes only to the devices whose keys moved', async () => {
    const hub = start({ minEventGapMs: 0 });
    const kiosk = readSink();
    const other = readSink();
    hub.open('k1', '10.0.0.1', ['s:s', 'd:k1', 'u:u1'], kiosk.sink);
    hub.open('k2', '10.0.0.1', ['s:s', 'd:k2', 'u:u2'], other.sink);
    hub.raised('s', ['u:u1']);
    hub.raised('s', ['r:someone-else']);
    await vi.waitFor(() => expect(countOf(kiosk.text(), streamEvents.changes)).toBe(1));
    expect(kiosk.text().startsWith(streamEvents.ready)).toBe(true);
    expect(countOf(other.text(), streamEvents.changes)).toBe(0);
    hub.resync();
    await vi.waitFor(() => expect(countOf(other.text(), streamEvents.changes)).toBe(1));
  });

  it('fold a storm of notes into one event per gap for each device', async () => {
    const hub = start({ minEventGapMs: 200 });
    const kiosk = readSink();
    hub.open('k1', '10.0.0.1', ['s:s'], kiosk.sink);
    for (let note = 0; note < 1000; note += 1) hub.raised('s', ['s:s']);
    await vi.waitFor(() => expect(countOf(kiosk.text(), streamEvents.changes)).toBe(2));
    // One at once, one owed at the end of the gap, and no more for the rest of the storm.
    expect(hub.counts().eventsSent).toBe(2);
  });

  it('spread their heartbeats over the interval: streams opened in the same instant are not all beaten in one tick', () => {
    vi.useFakeTimers();
    try {
      const hub = start({ heartbeatMs: 25_000 });
      const sinks = Array.from({ length: 100 }, (_, index) => {
        const sink = readSink();
        hub.open(`d${index}`, '10.0.0.1', [`d:d${index}`], sink.sink);
        return sink;
      });
      const beaten = (): number => sinks.filter((sink) => countOf(sink.text(), streamEvents.heartbeat) > 0).length;
      vi.advanceTimersByTime(1_000);
      expect(beaten()).toBe(4);
      vi.advanceTimersByTime(24_000);
      expect(sinks.map((sink) => countOf(sink.text(), streamEvents.heartbeat))).toEqual(sinks.map(() => 1));
    } finally {
      vi.useRealTimers();
    }
  });

  it('one stream per device, a cap per address and in all, and a device that does not read is dropped', async () => {
    const hub = start({ maxStreams: 3, maxPerAddress: 2, heartbeatMs: 20, stalledCloseMs: 60, minEventGapMs: 0 });
    const first = readSink();
    hub.open('d1', '10.0.0.1', ['d:d1'], first.sink);
    expect(hub.admit('d1', '10.0.0.1')).toBeNull();
    hub.open('d1', '10.0.0.1', ['d:d1'], readSink().sink);
    expect(hub.counts()).toMatchObject({ open: 1, replaced: 1 });
    hub.open('d2', '10.0.0.1', ['d:d2'], readSink().sink);
    expect(hub.admit('d3', '10.0.0.1')).toBe('addressFull');
    const stalled = unreadSink();
    expect(hub.admit('d3', '10.0.0.2')).toBeNull();
    hub.open('d3', '10.0.0.2', ['d:d3'], stalled);
    expect(hub.admit('d4', '10.0.0.3')).toBe('hubFull');
    hub.raised('s', ['d:d3']);
    await vi.waitFor(() => expect(stalled.destroyedNow()).toBe(true));
    expect(hub.counts()).toMatchObject({ open: 2, closedStalled: 1, refused: { hubFull: 1, addressFull: 1 } });
  });
});
