import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/static/**/*.test.ts'],
    // Native modules (better-sqlite3, serialport) are happier in forked processes than in worker threads.
    pool: 'forks',
    // One test file per core. Vitest's own default is one less than the cores — a single worker on the 2-core build
    // machine — but most of these files wait on processes, sockets and disks rather than compute, so a second file
    // fills the waits. The timeouts are sized for load 10, so a second file beside the first does not break them.
    maxWorkers: availableParallelism(),
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
