// The Playwright `_electron` suite: the real kiosk shell (dist/electron/main.cjs) on the real runtime.
// Run it with `npm run test:electron`, which finds the Electron binary, builds the shell and says plainly
// when the binary is missing. There is no browser project here: each spec launches Electron itself.
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: '.',
  testMatch: '**/*.electron.spec.ts',
  outputDir: '../../test-results/electron',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  // One kiosk at a time: each launch owns a full-screen window.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  reporter: [['list']],
});
