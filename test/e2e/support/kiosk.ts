// Playwright fixture: a fresh real kiosk (see test/support/kiosk-process.ts) for each test.
import { test as base } from '@playwright/test';
import { defaultTimings, launchKiosk, type KioskUnderTest, type SessionTimings } from '../../support/kiosk-process';

/** A Playwright test with a fresh kiosk per test. Override `timings` with test.use() for idle tests. */
export const test = base.extend<{ timings: SessionTimings; kiosk: KioskUnderTest }>({
  timings: [defaultTimings, { option: true }],
  kiosk: async ({ timings }, use) => {
    const kiosk = await launchKiosk(timings);
    await use(kiosk);
    await kiosk.stop();
  },
});

export { expect } from '@playwright/test';
