// The health report this device sends the hub with the first pull of each sync cycle (hub/protocol/health.ts), from
// the parts the runtime already holds: its version, what waits in its outbox, its readers, its disk, its battery (a
// tablet's, read through platform/), where its session is and its own clock. Nothing personal: no person, card or
// message is in it — a session is "signed in", never who.
import { lstatSync } from 'node:fs';
import type { DeviceHealthReport, ReportedSessionState } from '../../hub/protocol';
import { maxReportedReaders } from '../../hub/protocol';
import type { KioskConfig } from '../../kiosk-config/schema';
import { readBattery } from '../../platform/power-supply';
import type { SessionPhase } from '../contract';
import { sessionViewOf } from '../session/kiosk-session';
import type { StorageReserve } from '../store/storage-reserve';
import type { DeviceStoreQueries } from '../store/store-queries';
import type { DeviceState } from './device-state';
import { deviceStoreFile } from './open-store';
import { appVersion, type DeviceRuntimeOptions } from './options';
import type { ConnectedReaders } from './readers';
import type { SessionHandle } from './session-actor';

export interface DeviceHealthDeps {
  readonly options: Pick<DeviceRuntimeOptions, 'dataDir' | 'powerSupplyRoot'>;
  readonly config: Pick<KioskConfig, 'device'>;
  readonly queries: Pick<DeviceStoreQueries, 'outbox'>;
  readonly readers: Pick<ConnectedReaders, 'readerStatuses'>;
  readonly storage: Pick<StorageReserve, 'space'>;
  readonly session: Pick<SessionHandle, 'getSnapshot'>;
  readonly state: Pick<DeviceState, 'credentialRevoked'>;
  readonly now: () => number;
}

function sessionStateOf(phase: SessionPhase): ReportedSessionState {
  switch (phase) {
    case 'attract':
    case 'deviceFull':
      return 'idle';
    case 'pinEntry':
      return 'signingIn';
    case 'signedIn':
      return 'signedIn';
    case 'service':
      return 'serviceMode';
    case 'tabletLock':
      return 'tabletLocked';
    case 'syncLocked':
      return 'syncLocked';
    case 'lockedOut':
      return 'pinLockedOut';
    default: {
      const unreachable: never = phase;
      return unreachable;
    }
  }
}

function fileBytes(path: string): number {
  try {
    return lstatSync(path).size;
  } catch {
    return 0;
  }
}

/** What the protocol lets a reader id or kind be (letters, digits, dots, dashes): anything else becomes a dash. */
function reportable(text: string): string {
  const cleaned = text.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 40);
  return cleaned === '' ? 'unnamed' : cleaned;
}

export function deviceHealthSource(deps: DeviceHealthDeps): () => DeviceHealthReport {
  const storeFile = deviceStoreFile(deps.options.dataDir);
  return () => {
    const now = deps.now();
    const oldest = deps.queries.outbox.pending(1)[0];
    const space = deps.storage.space();
    return {
      appVersion,
      deviceTime: now,
      outbox: { pending: deps.queries.outbox.pendingCount(), oldestPendingAgeMs: oldest === undefined ? null : Math.max(0, now - oldest.createdAt) },
      readers: deps.readers
        .readerStatuses()
        .slice(0, maxReportedReaders)
        .map((reader) => ({
          readerId: reportable(reader.readerId),
          kind: reportable(reader.kind),
          state: reader.connection,
          lastEventAt: reader.lastEventAt === null ? null : Math.max(0, Math.floor(reader.lastEventAt)),
        })),
      storage: {
        freeBytes: Number.isFinite(space.freeBytes) ? Math.max(0, Math.floor(space.freeBytes)) : null,
        storeBytes: fileBytes(storeFile) + fileBytes(`${storeFile}-wal`),
      },
      battery: deps.config.device.mode === 'tablet' ? readBattery(deps.options.powerSupplyRoot) : null,
      session: deps.state.credentialRevoked ? 'revoked' : sessionStateOf(sessionViewOf(deps.session.getSnapshot()).phase),
    };
  };
}
