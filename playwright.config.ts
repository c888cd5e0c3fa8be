// End-to-end tests: Debian's Chromium (Playwright's own browser download is not possible here) driving the real
// web host, runtime, store and a scanner on a real pseudo-terminal.
import { defineConfig } from '@playwright/test';

export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export default defineConfig({
  testDir: 'test/e2e',
  outputDir: 'test-results/e2e',
  // A test's fixtures start a web host (and often a hub) of their own, and some restart it: at load 17 a test with one
  // restart took over 60 s (sign-in's lockout), so two minutes, for load 10 with room.
  timeout: 120_000,
  expect: { timeout: 10_000 },
  // Every test has its own kiosk (and hub) from per-test fixtures, so tests of one file need not share a worker: the
  // two workers — one per core of the build machine — take tests, not files, and a long file no longer runs alone at
  // the end while the other worker idles.
  fullyParallel: true,
  workers: 2,
  retries: 0,
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    headless: true,
    launchOptions: { executablePath: '/usr/bin/chromium', args: chromiumArgs },
    viewport: { width: 1280, height: 800 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
});
