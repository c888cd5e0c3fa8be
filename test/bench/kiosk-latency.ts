/// <reference lib="dom" />
// Benchmarks of the kiosk as a person meets it, in Debian's Chromium against the real web host:
//  scan-to-pin — from the last byte of a scan written to the scanner's pseudo-terminal to the PIN screen painted;
//  cold-start  — from starting the web host process to the attract screen painted.
// Each is compared with a baseline measured in the same run, because these machines are noisy.
import { chromium, type Browser, type Page } from 'playwright-core';
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { chromiumArgs } from '../../playwright.config';
import { demoResidents } from '../../scripts/demo-data';
import { defaultTimings, launchKiosk } from '../support/kiosk-process';
import { percentile, printResult } from './stats';

const launchBrowser = (): Promise<Browser> => chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs, headless: true });

/** Resolves after the next two animation frames: the DOM change before it has been painted. */
const painted = (page: Page) => page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));

export async function scanToPin(samples = 40): Promise<void> {
  const kiosk = await launchKiosk(defaultTimings);
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(kiosk.url);
    await page.waitForSelector('[data-screen="attract"]');
    const badge = demoResidents[0]!.badge;
    const scanMs: number[] = [];
    const paintMs: number[] = [];
    for (let index = 0; index < samples; index += 1) {
      // Baseline: a round trip into the page and two frames, with no scan and no runtime involved.
      const baselineStart = performance.now();
      await painted(page);
      paintMs.push(performance.now() - baselineStart);

      await kiosk.scan(badge);
      const lastByteWritten = performance.now();
      await page.waitForSelector('[data-screen="pinEntry"]', { timeout: 10_000 });
      await painted(page);
      scanMs.push(performance.now() - lastByteWritten);
      await page.getByRole('button', { name: 'Cancel' }).click();
      await page.waitForSelector('[data-screen="attract"]');
    }
    printResult('scan-to-pin', {
      p50_ms: percentile(scanMs, 50),
      p95_ms: percentile(scanMs, 95),
      baseline_paint_p50_ms: percentile(paintMs, 50),
      ratio_to_baseline: percentile(scanMs, 50) / percentile(paintMs, 50),
      samples,
    });
  } finally {
    await browser.close();
    await kiosk.stop();
  }
}

function timeProcess(args: string[]): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: 'ignore' });
    child.once('exit', (code) => (code === 0 ? resolve(performance.now() - started) : reject(new Error(`exit ${code}`))));
  });
}

export async function coldStart(samples = 6): Promise<void> {
  const browser = await launchBrowser();
  const startMs: number[] = [];
  const bareMs: number[] = [];
  try {
    for (let index = 0; index < samples; index += 1) {
      // Baseline: the same Node with the same TypeScript loader, doing nothing.
      bareMs.push(await timeProcess(['--import', 'tsx', '-e', '0']));
      const kiosk = await launchKiosk(defaultTimings);
      const page = await browser.newPage();
      await page.goto(kiosk.url);
      await page.waitForSelector('[data-screen="attract"]');
      await painted(page);
      startMs.push(performance.now() - kiosk.hostSpawnedAt);
      await page.close();
      await kiosk.stop();
    }
  } finally {
    await browser.close();
  }
  printResult('cold-start', {
    p50_ms: percentile(startMs, 50),
    max_ms: Math.max(...startMs),
    baseline_node_tsx_p50_ms: percentile(bareMs, 50),
    ratio_to_baseline: percentile(startMs, 50) / percentile(bareMs, 50),
    samples,
  });
}
