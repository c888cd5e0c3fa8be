// `npm run bench` runs every benchmark; `npm run bench -- <name> [...]` runs the named ones.
// Each prints `RESULT <name> key=value ...`; BENCHMARKS.md keeps the latest figures and the method.
import { coldStart, scanToPin } from './kiosk-latency';
import { hubFanout } from './hub-fanout';
import { inboxOpen } from './inbox-open';
import { mailSearch } from './mail-search';
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
};

const requested = process.argv.slice(2);
const unknown = requested.filter((name) => !(name in benchmarks));
if (unknown.length > 0) {
  console.error(`unknown benchmark ${unknown.join(', ')}; known: ${Object.keys(benchmarks).join(', ')}`);
  process.exit(2);
}
for (const name of requested.length > 0 ? requested : Object.keys(benchmarks)) {
  await benchmarks[name]!();
}
