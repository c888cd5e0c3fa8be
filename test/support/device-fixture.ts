// A real device for integration tests: a site config whose scanner is a real pseudo-terminal, a real store on disk
// seeded with the demo residents, and the runtime built exactly as the shells build it.
import { join } from 'node:path';
import { KioskConfig, type KioskConfigInput } from '../../kiosk-config/schema';
import { createDeviceRuntime, type DeviceRuntime, type DeviceRuntimeOptions } from '../../main/runtime';
import { seedDemoResidents } from '../../scripts/demo-data';
import { startPtyPair, type PtyPair } from '../../hardware/simulators/pty-pair';
import { makeTempDir } from './temp-dir';

export function testSiteConfig(scannerPath: string, overrides: Partial<KioskConfigInput> = {}): KioskConfig {
  return KioskConfig.parse({
    site: { name: 'Test Site' },
    device: { name: 'Test Kiosk', mode: 'kiosk', housingUnit: 'B' },
    languages: { offered: ['en', 'es'], default: 'en' },
    session: { idleSeconds: 60, idleWarningSeconds: 15, maxSessionMinutes: 15 },
    readers: [{ id: 'scanner', kind: 'serialScanner', path: scannerPath, suffix: 'CR', symbologyIdentifier: true }],
    credentials: { resident: { pattern: '^R(\\d{6})$', symbologies: ['code39', 'code128'] }, staff: { pattern: '^S(\\d{5})$' } },
    ...overrides,
  } satisfies KioskConfigInput);
}

export interface DeviceFixture {
  readonly runtime: DeviceRuntime;
  readonly pty: PtyPair;
  readonly dataDir: string;
  cleanup(): Promise<void>;
}

/** `storeKey`: the key the runtime encrypts the (seeded, unencrypted) store with; default none, as under plain Node. */
export async function startDeviceFixture(
  overrides: Partial<KioskConfigInput> = {},
  options: Pick<DeviceRuntimeOptions, 'storeKey'> = {},
): Promise<DeviceFixture> {
  const dir = makeTempDir();
  const pty = await startPtyPair(dir.path);
  const dataDir = join(dir.path, 'data');
  await seedDemoResidents(join(dataDir, 'device.sqlite'));
  const runtime = await createDeviceRuntime({ config: testSiteConfig(pty.devicePath, overrides), dataDir, ...options });
  return {
    runtime,
    pty,
    dataDir,
    async cleanup() {
      await runtime.stop();
      await pty.kill();
      dir.remove();
    },
  };
}
