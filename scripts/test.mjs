#!/usr/bin/env node
// The test tiers. Each stops at the first failing step and exits with its code.
//
// `npm test` (`node scripts/test.mjs`): the checks a change must pass, in under 10 minutes on a quiet 2-core machine
// (about 9: docs/architecture.md §7 "Time") —
// system packages, typecheck and lint (side by side: one core each), formatting, plain words (the reading grade of
// resident English, printed as a READABILITY line: docs/screens.md §8 "Plain words"), the quick accessibility check (axe
// and the fit check on the screens every person meets, in every language at every text size, printed as an
// ACCESSIBILITY line: docs/screens.md §15), the Electron security scan, and the unit and integration tests (vitest
// project `checks`; among them the kiosk session's systemd units checked with `systemd-analyze verify` and its install
// script run into scratch roots: test/integration/deploy/kiosk-install.test.ts, docs/deployment.md §9; and the packaging
// dry run: test/integration/packaging/packaging-dry-run.test.ts, docs/deployment.md §11).
//
// `npm run test:long` (`node scripts/test.mjs long`): the slow tiers — the long proofs (vitest project `proofs`: the
// device killed at any moment, the hub killed inside its transactions, a seeded run of network faults), the renderer
// build, end-to-end in Chromium (Playwright) and the Electron suite, which says plainly when it is skipped. CI runs both.
import { spawn } from 'node:child_process';
import { ensureSystemPackages } from './system-packages.mjs';

/** @typedef {{ title: string, command: string, args: string[] }} Command */
/** @typedef {{ title: string, together: Command[] }} Step  One step; its commands run at the same time. */

/** @type {(title: string, command: string, args: string[]) => Step} */
const alone = (title, command, args) => ({ title, together: [{ title, command, args }] });

/** @type {Record<string, Step[]>} */
const tiers = {
  checks: [
    {
      title: 'typecheck and lint',
      together: [
        { title: 'typecheck', command: 'npm', args: ['run', '--silent', 'typecheck'] },
        { title: 'lint', command: 'npm', args: ['run', '--silent', 'lint'] },
      ],
    },
    alone('formatting (Prettier)', 'npm', ['run', '--silent', 'format:check']),
    alone('plain words (readability)', 'npx', ['tsx', 'scripts/plain-words.ts']),
    alone('build the renderer', 'npm', ['run', '--silent', 'build:renderer']),
    alone('accessibility, quick: axe and the fit check (Playwright)', 'npx', ['playwright', 'test', 'test/e2e/accessibility-quick.spec.ts']),
    alone('Electron security scan (Electronegativity)', 'node', ['scripts/electron-scan.mjs']),
    alone('unit and integration (vitest, project checks)', 'npx', ['vitest', 'run', '--project', 'checks']),
  ],
  long: [
    alone('the long proofs (vitest, project proofs)', 'npx', ['vitest', 'run', '--project', 'proofs']),
    alone('build the renderer', 'npm', ['run', '--silent', 'build:renderer']),
    alone('build the facility console', 'npm', ['run', '--silent', 'build:console']),
    alone('end-to-end in Chromium (Playwright)', 'npx', ['playwright', 'test']),
    alone('Electron end-to-end', 'node', ['scripts/electron-e2e.mjs']),
  ],
};

const tierName = process.argv[2] ?? 'checks';
const steps = tiers[tierName];
if (steps === undefined) {
  console.error(`scripts/test.mjs: no tier "${tierName}"; the tiers are ${Object.keys(tiers).join(', ')}`);
  process.exit(2);
}
const label = tierName === 'checks' ? 'npm test' : `npm run test:${tierName}`;

/** Runs one command with the terminal as its output; resolves with its exit code (or 1 for a signal). */
function run({ command, args }) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'inherit' });
    child.once('error', () => resolve(1));
    child.once('close', (code) => resolve(code ?? 1));
  });
}

console.log('== system packages');
ensureSystemPackages('test');
const started = Date.now();
for (const { title, together } of steps) {
  console.log(`\n== ${title}`);
  const stepStarted = Date.now();
  // Side by side, each command's output interleaves by line; a failure names the command that failed.
  const codes = await Promise.all(together.map(run));
  const seconds = ((Date.now() - stepStarted) / 1000).toFixed(1);
  const failed = together.map((command, index) => ({ command, code: codes[index] ?? 1 })).filter(({ code }) => code !== 0);
  if (failed.length > 0) {
    for (const { command, code } of failed) console.error(`\n${label}: "${command.title}" failed (exit ${code}) after ${seconds} s`);
    process.exit(failed[0]?.code ?? 1);
  }
  console.log(`== ${title}: ok (${seconds} s)`);
}
console.log(`\n${label}: all ${steps.length} steps passed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
