/// <reference lib="dom" />
// console-review: a mailroom officer's day at the facility console with 10,000 letters waiting, on a real hub over a
// real PostgreSQL server (the production store). Measured two ways, each against a baseline taken in the same run:
//  server — over HTTP from this process, as the browser calls it: the queue's first page (with its counts), one
//           letter opened, and an approval; baseline: GET /console/api/session (the same sign-in check, cookie,
//           session read and JSON answer, with no review work).
//  paint  — Debian's Chromium on the console's Review page: from a click on Review to the queue's rows painted, from
//           a click on a row to the letter painted, and from pressing A (approve) to the next letter painted;
//           baseline: a round trip into the page and two animation frames.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import pino from 'pino';
import { chromium } from 'playwright-core';
import { chromiumArgs } from '../../playwright.config';
import { openHubDatabase } from '../../hub/db/open';
import { startHub } from '../../hub/server';
import { changeConsolePassword, createConsoleAccount } from '../../hub/services/console-accounts';
import { addContact, addHousingUnit, addResident, createSite, sendFamilyMessage } from '../../hub/services/index';
import { ConsoleClient } from '../support/console-client';
import { startPostgresServer } from '../support/postgres-server';
import { benchCount, machineLoad } from './bench-env';
import { ensureConsoleBuilt } from './renderer-build';
import { percentile, printResult } from './stats';

const name = 'console-review';
const password = 'bench reviewing pass 1';
const cheapCost = { N: 1 << 10, r: 8, p: 1 } as const;

const words = ['family', 'visit', 'court', 'money', 'school', 'birthday', 'church', 'letter', 'phone', 'garden', 'weekend', 'lawyer'];

async function timedSeries(rounds: number, work: (round: number) => Promise<void>): Promise<number[]> {
  const samples: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    const started = performance.now();
    await work(round);
    samples.push(performance.now() - started);
  }
  return samples;
}

function expectOk(answer: { status: number; json: unknown }, what: string): void {
  if (answer.status !== 200) throw new Error(`${what} answered ${answer.status}: ${JSON.stringify(answer.json).slice(0, 300)}`);
}

export async function consoleReview(): Promise<void> {
  ensureConsoleBuilt();
  const letters = benchCount('BENCH_CONSOLE_LETTERS', 10_000);
  const residentsCount = 200;
  const postgres = await startPostgresServer();
  const databaseName = `bench_${randomUUID().replaceAll('-', '')}`;
  const admin = new pg.Client({ connectionString: postgres.url('postgres') });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${databaseName}`);
  await admin.end();
  const database = await openHubDatabase({ databaseUrl: postgres.url(databaseName) });
  const running = await startHub({ database, logger: pino({ level: 'silent' }), passwordCost: cheapCost, pinCost: cheapCost });
  try {
    const hub = running.context;
    const site = await createSite(hub, { name: 'Bench County Jail' });
    const unit = await addHousingUnit(hub, { siteId: site.siteId, name: 'A' });
    const contacts: string[] = [];
    for (let index = 0; index < residentsCount; index += 1) {
      const resident = await addResident(hub, {
        housingUnitId: unit.housingUnitId,
        credentialId: `B${10_000 + index}`,
        displayName: `Resident ${index}`,
        pin: '2468',
      });
      contacts.push(
        (await addContact(hub, { residentId: resident.resident_id, displayName: `Family ${index}`, relationship: 'mother', approved: true })).contact_id,
      );
    }
    const seedStarted = performance.now();
    // Four at a time, as families' letters arrive: each is the hub's own transaction.
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (;;) {
          const index = next++;
          if (index >= letters.value) return;
          const body = Array.from({ length: 40 }, (_, word) => words[(index * 7 + word * 3) % words.length]).join(' ');
          await sendFamilyMessage(hub, { contactId: contacts[index % contacts.length] ?? '', body: `Letter ${index}: ${body}.` });
        }
      }),
    );
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    const account = await createConsoleAccount(hub, { username: 'mailroom', displayName: 'Bench Mailroom', role: 'mailroom', siteId: site.siteId });
    await changeConsolePassword(hub, { accountId: account.account.accountId, current: account.temporaryPassword, next: password });

    // ---- server ----
    const client = new ConsoleClient(running.url);
    expectOk(await client.signIn('mailroom', password), 'sign-in');
    const rounds = benchCount('BENCH_CONSOLE_ROUNDS', 60).value;
    await timedSeries(5, async () => void (await client.get('/review/queue')));
    const baselineMs = await timedSeries(rounds, async () => expectOk(await client.get('/session'), 'session'));
    let firstIds: string[] = [];
    const queueMs = await timedSeries(rounds, async () => {
      const answer = await client.get('/review/queue');
      expectOk(answer, 'queue');
      firstIds = (answer.json as { letters: { messageId: string }[] }).letters.map((letter) => letter.messageId);
    });
    const openMs = await timedSeries(Math.min(rounds, firstIds.length), async (round) =>
      expectOk(await client.get(`/review/letters/${firstIds[round] ?? ''}`), 'letter'),
    );
    const approveMs = await timedSeries(Math.min(rounds, firstIds.length), async (round) =>
      expectOk(await client.post(`/review/letters/${firstIds[round] ?? ''}/approve`, { withheld: [] }), 'approve'),
    );
    const server = {
      letters: letters.value,
      ...letters.note,
      seed_s: seedSeconds,
      baseline_p50_ms: percentile(baselineMs, 50),
      queue_p50_ms: percentile(queueMs, 50),
      queue_p95_ms: percentile(queueMs, 95),
      open_p95_ms: percentile(openMs, 95),
      approve_p50_ms: percentile(approveMs, 50),
      approve_p95_ms: percentile(approveMs, 95),
      queue_over_baseline: percentile(queueMs, 50) / percentile(baselineMs, 50),
      ...machineLoad(),
    };
    printResult(`${name}.server`, server);

    // ---- paint ----
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs, headless: true });
    try {
      const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
      await page.goto(`${running.url}/console/`);
      await page.getByLabel('Username').fill('mailroom');
      await page.getByLabel('Password').fill(password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('navigation', { name: 'Pages' }).waitFor();
      const paintRounds = benchCount('BENCH_CONSOLE_PAINT_ROUNDS', 20).value;
      const frameMs = await timedSeries(paintRounds, async () => {
        await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
      });
      const queuePaintMs: number[] = [];
      for (let round = 0; round < paintRounds; round += 1) {
        await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Today' }).click();
        await page.getByRole('heading', { name: /^Hello/ }).waitFor();
        const started = performance.now();
        await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Review' }).click();
        await page.getByTestId('queue-row').first().waitFor();
        queuePaintMs.push(performance.now() - started);
      }
      // Opening a letter and approving it with A, the next one opening by itself.
      const letterPaintMs: number[] = [];
      const approvePaintMs: number[] = [];
      for (let round = 0; round < paintRounds; round += 1) {
        // Each letter starts "Letter <n>:", so which one is on screen is never in doubt.
        const label = /Letter \d+:/.exec((await page.getByTestId('queue-row').nth(1).textContent()) ?? '')?.[0];
        if (label === undefined) throw new Error('a queue row without its letter number');
        // The row by its letter, not its place: the queue reloads after each decision and rows move up.
        const started = performance.now();
        await page.getByTestId('queue-row').filter({ hasText: label }).click();
        await page.getByTestId('letter-body').filter({ hasText: label }).waitFor();
        letterPaintMs.push(performance.now() - started);
        const pressed = performance.now();
        await page.keyboard.press('a');
        await page.getByTestId('letter-body').filter({ hasNotText: label }).waitFor();
        approvePaintMs.push(performance.now() - pressed);
        // The approved letter leaves the queue before the next round picks a row.
        await page.getByTestId('queue-row').filter({ hasText: label }).waitFor({ state: 'detached' });
      }
      printResult(`${name}.paint`, {
        baseline_frame_p50_ms: percentile(frameMs, 50),
        queue_p50_ms: percentile(queuePaintMs, 50),
        queue_p95_ms: percentile(queuePaintMs, 95),
        letter_p95_ms: percentile(letterPaintMs, 95),
        approve_p50_ms: percentile(approvePaintMs, 50),
        approve_p95_ms: percentile(approvePaintMs, 95),
        ...machineLoad(),
      });
    } finally {
      await browser.close();
    }
  } finally {
    await running.close();
    await database.close();
    await postgres.stop();
  }
}
