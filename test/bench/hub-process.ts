// The hub under benchmark, in a process of its own (so its RSS is its own and it has a core of its own, as a hub on its
// own machine would): PGlite in a data folder, or the PostgreSQL server named by DATABASE_URL, the real startHub, and
// the production logger at its default level (info) writing to /dev/null. The benchmark drives it over IPC: seed,
// issue enrollment codes, assign tablets, verify; devices talk to it over loopback HTTP only.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import pino from 'pino';
import { openHubDatabase } from '../../hub/db/open';
import { createHubLogger } from '../../hub/logger';
import { startHub } from '../../hub/server';
import { assignTablet, issueEnrollmentCode } from '../../hub/services/index';
import { approveLetters, kioskScopeDigest, seedDevices, seedE2eFacility, seedFanoutFacility, verifyMessageChanges } from './hub-seed';
import { serveParentRequests } from './child-ipc';
import { seedCatchup } from './tablet-catchup-seed';
import type { HubRequest } from './hub-child';

/** scrypt at the tests' cost: it only hashes the seeded residents' PINs, which no benchmark measures. */
const seedingPinCost = { N: 1 << 10, r: 8, p: 1 } as const;

async function main(): Promise<void> {
  const dataDir = process.env.BENCH_HUB_DATA_DIR;
  const databaseUrl = process.env.DATABASE_URL;
  const database = await openHubDatabase(databaseUrl ? { databaseUrl } : dataDir ? { dataDir } : {});
  const logger = createHubLogger({ level: 'info', destination: pino.destination({ dest: '/dev/null', sync: true }) });
  // A restarted hub (hub-child.ts restart) comes back on its port, where its devices look for it.
  const port = Number(process.env.BENCH_HUB_PORT ?? '0');
  const maxPerAddress = process.env.BENCH_HUB_MAX_STREAMS_PER_ADDRESS;
  const hub = await startHub({
    database,
    logger,
    pinCost: seedingPinCost,
    port,
    ...(maxPerAddress === undefined ? {} : { live: { streamLimits: { maxPerAddress: Number(maxPerAddress) } } }),
  });
  const context = hub.context;
  let profiler: Session | null = null;
  // How late the hub's event loop ran its callbacks: a request's wait that no handler accounts for shows here.
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();

  async function handle(request: HubRequest): Promise<unknown> {
    switch (request.command) {
      case 'seedE2e':
        return seedE2eFacility(context, request.messages);
      case 'seedFanout':
        return seedFanoutFacility(context, request);
      case 'issueCodes': {
        const codes: string[] = [];
        for (const unitId of request.kioskUnits)
          codes.push((await issueEnrollmentCode(context, { siteId: request.siteId, kind: 'kiosk', housingUnitId: unitId, validForMs: 3600_000 })).code);
        for (let index = 0; index < request.tablets; index += 1)
          codes.push((await issueEnrollmentCode(context, { siteId: request.siteId, kind: 'tablet', validForMs: 3600_000 })).code);
        return codes;
      }
      case 'assignTablets': {
        for (const [index, deviceId] of request.deviceIds.entries()) {
          await assignTablet(context, { deviceId, residentId: request.residentIds[index % request.residentIds.length]! });
        }
        return request.deviceIds.length;
      }
      case 'seedCatchup':
        return seedCatchup(context, request);
      case 'verifyMessages':
        return verifyMessageChanges(context, request.residentId);
      case 'kioskScopeDigest':
        return kioskScopeDigest(context, request.siteId, request.unitId);
      case 'analyze':
        await database.query('ANALYZE');
        return null;
      case 'profileStart':
        profiler = new Session();
        profiler.connect();
        await profiler.post('Profiler.enable');
        await profiler.post('Profiler.start');
        return null;
      case 'profileStop': {
        if (profiler === null) throw new Error('no profile running');
        const { profile } = await profiler.post('Profiler.stop');
        writeFileSync(request.file, JSON.stringify(profile));
        profiler.disconnect();
        profiler = null;
        return null;
      }
      case 'rss':
        return process.memoryUsage().rss;
      case 'seedDevices':
        return seedDevices(context, request);
      case 'approveLetters':
        return approveLetters(context, request);
      case 'cpu':
        return process.cpuUsage();
      case 'liveCounts':
        return hub.live.counts();
      case 'loopDelay': {
        const figures = { p50Ms: loopDelay.percentile(50) / 1e6, p99Ms: loopDelay.percentile(99) / 1e6, maxMs: loopDelay.max / 1e6 };
        loopDelay.reset();
        return figures;
      }
      case 'stop':
        await hub.close();
        await database.close();
        setImmediate(() => process.exit(0));
        return null;
      default: {
        const unknown: never = request;
        throw new Error(`unknown command ${JSON.stringify(unknown)}`);
      }
    }
  }

  serveParentRequests<HubRequest>(handle, { url: hub.url, backend: database.backend });
}

main().catch((error: unknown) => {
  console.error(`bench hub: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
