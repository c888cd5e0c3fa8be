// `npm run bench` runs every benchmark; `npm run bench -- <name> [...]` runs the named ones.
// Each prints `RESULT <name> key=value ...`; BENCHMARKS.md keeps the latest figures and the method.
import { coldStart, scanToPin } from './kiosk-latency';
import { hubFanout } from './hub-fanout';
import { inboxOpen } from './inbox-open';
import { mailSearch } from './mail-search';
import { ensureRendererBuilt } from './renderer-build';
import { syncApply } from './sync-apply';
import { syncE2e } from './sync-e2e';

const benchmarks: Record<string, () => Promise<void>> = {
  'scan-to-pin': () => scanToPin(),
  'cold-start': () => coldStart(),
  'sync-apply': () => syncApply(),
  'sync-e2e': () => syncE2e(),
  'hub-fanout': () => hubFanout(),
  'inbox-open': () => inboxOpen(),
  'mail-search': () => mailSearch(),
  'ledger-contention': () => import('./ledger-contention').then((module) => module.ledgerContention()),
  'reader-latency': () => import('./reader-latency').then((module) => module.readerLatency()),
  'tablet-catchup': () => import('./tablet-catchup').then((module) => module.tabletCatchup()),
  'console-review': () => import('./console-review').then((module) => module.consoleReview()),
  'hub-notify': () => import('./hub-live').then((module) => module.hubNotify()),
  'hub-steady': () => import('./hub-live').then((module) => module.hubSteady()),
  'hub-storm': () => import('./hub-live').then((module) => module.hubStorm()),
};

/** The benchmarks that open the kiosk's page in Chromium, served from dist/renderer. */
const opensThePage = new Set(['scan-to-pin', 'cold-start', 'inbox-open']);

const requested = process.argv.slice(2);
const unknown = requested.filter((name) => !(name in benchmarks));
if (unknown.length > 0) {
  console.error(`unknown benchmark ${unknown.join(', ')}; known: ${Object.keys(benchmarks).join(', ')}`);
  process.exit(2);
}
const toRun = requested.length > 0 ? requested : Object.keys(benchmarks);
if (toRun.some((name) => opensThePage.has(name))) ensureRendererBuilt();
// The helper processes a benchmark starts (socat, the web host, a forked hub) end with this process however it ends
// (hardware/simulators/helper-processes.ts); a failed benchmark exits 1 after saying why, and so ends them.
try {
  for (const name of toRun) await benchmarks[name]!();
} catch (error) {
  console.error(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
}
