// The site file's optional hub section, and the sync settings the runtime derives from it.
import { describe, expect, it } from 'vitest';
import { KioskConfig, type KioskConfigInput } from '../../../kiosk-config/schema';
import { syncSettingsOf } from '../../../main/sync/engine';

const site = (overrides: Partial<KioskConfigInput> = {}) =>
  KioskConfig.safeParse({
    site: { name: 'Test Site' },
    device: { name: 'Kiosk 1', mode: 'kiosk' },
    languages: { offered: ['en'], default: 'en' },
    session: { idleSeconds: 60, idleWarningSeconds: 15, maxSessionMinutes: 15 },
    credentials: { resident: { pattern: '^R(\\d{6})$' } },
    ...overrides,
  } satisfies KioskConfigInput);

describe('hub settings', () => {
  it('are optional; without them a kiosk syncs every 30 s and a tablet every 5 minutes', () => {
    const parsed = site();
    expect(parsed.success && parsed.data.hub).toBeUndefined();
    expect(syncSettingsOf(undefined, 'kiosk')).toMatchObject({
      intervalMs: 30_000,
      requestTimeoutMs: 20_000,
      pullLimit: 500,
      backoff: { baseMs: 2_000, maxMs: 300_000, minMs: 1_000 },
    });
    expect(syncSettingsOf(undefined, 'tablet').intervalMs).toBe(300_000);
  });

  it('take the site’s values when given', () => {
    const parsed = site({ hub: { url: 'https://hub.riverbend.example', syncIntervalSeconds: 60, backoffBaseSeconds: 1, backoffMaxSeconds: 120 } });
    expect(parsed.success).toBe(true);
    if (!parsed.success || !parsed.data.hub) return;
    expect(syncSettingsOf(parsed.data.hub, 'tablet')).toMatchObject({ intervalMs: 60_000, backoff: { baseMs: 1_000, maxMs: 120_000 } });
  });

  it.each([
    [{ syncIntervalSeconds: 1 }, 'hub.syncIntervalSeconds'],
    [{ url: 'not a url' }, 'hub.url'],
    [{ pullBatchSize: 5000 }, 'hub.pullBatchSize'],
    [{ backoffBaseSeconds: 600, backoffMaxSeconds: 60 }, 'hub.backoffBaseSeconds'],
    [{ secret: 'never in the site file' }, 'hub'],
  ])('refuses %j at %s', (hub, path) => {
    const parsed = site({ hub: hub as KioskConfigInput['hub'] });
    expect(parsed.success).toBe(false);
    if (!parsed.success) expect(parsed.error.issues.map((issue) => issue.path.join('.'))).toContain(path);
  });
});
