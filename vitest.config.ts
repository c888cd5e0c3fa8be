import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * The long proofs: each kills processes over and over (the device, the hub, an update's install), runs a seeded stream
 * of network faults, or starts a process a dozen times, and each takes a minute or more of a core. They run in `npm run test:long` (and in CI); `npm test` runs everything
 * else (docs/architecture.md §7 "Time" says how long that takes, and what is left to win back).
 */
const longProofs = [
  'test/integration/sync-hub/crash-safety.test.ts',
  'test/integration/sync-hub/hub-kill.test.ts',
  'test/integration/sync-hub/fault-proxy.test.ts',
  // Bad input for the live side: 10,000 streams from one address, a hub process killed under its devices' streams, the
  // PostgreSQL cluster restarted under load; hub processes and a cluster of its own, 75 s and more.
  'test/integration/sync-hub/live-bad-input.test.ts',
  // An app update's install killed after each of its steps (docs/deployment.md §12).
  'test/integration/deploy/update-install-cut.test.ts',
  // The hub as a service: a dozen hub processes started to be refused (TLS, environment file, DATABASE_URL), 90 s of a
  // core under load; npm test keeps the in-process checks of the URL's form and the file's mode (startup-checks).
  'test/integration/hub/hub-service.test.ts',
];

export default defineConfig({
  test: {
    // Native modules (better-sqlite3, serialport) are happier in forked processes than in worker threads.
    pool: 'forks',
    // One test file per core. Vitest's own default is one less than the cores — a single worker on the 2-core build
    // machine — but most of these files wait on processes, sockets and disks rather than compute, so a second file
    // fills the waits. The timeouts catch a hang, not slowness, so they are sized for load 10 and more: there a core
    // gives each process a fifth of its time, and a hub test of 4 s took 27 s (20 s and 30 s, as they were, failed
    // five tests beside four busy loops and two other engineers' work, load 10–14).
    maxWorkers: availableParallelism(),
    testTimeout: 60_000,
    hookTimeout: 90_000,
    // One PostgreSQL cluster for the run, with a migrated template the hub tests copy their databases from.
    globalSetup: ['test/support/global-postgres.ts'],
    // `vitest run` runs both; `--project checks` or `--project proofs` one of them.
    projects: [
      {
        extends: true,
        test: {
          name: 'checks',
          include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/static/**/*.test.ts'],
          exclude: longProofs,
          // Each worker process keeps its loaded modules from one file to the next instead of loading zod, Fastify,
          // PGlite's WebAssembly and the runtime afresh for each of the 190-odd files: on the quiet 2-core machine
          // 505 s → 328 s, the import time 124 s → 21 s, all 2,018 tests passing. What it asks of a test file: no state
          // of its own left in a module or in process.env after it ends, and fake timers put back in afterEach (the three
          // files that use them do). vi.stubEnv and vi.stubGlobal are undone by the settings below. The long proofs keep
          // a fresh process per file: they kill and restart what they test.
          isolate: false,
          unstubEnvs: true,
          unstubGlobals: true,
        },
      },
      { extends: true, test: { name: 'proofs', include: longProofs } },
    ],
  },
});
