#!/usr/bin/env node
// `npm test`: every tier in order — system packages, typecheck, lint, formatting, the Electron security scan, unit + integration (vitest),
// renderer build, end-to-end in Chromium (Playwright), and the Electron suite (which says plainly when it is skipped).
// Stops at the first failing step and exits with its code.
import { spawnSync } from 'node:child_process';
import { ensureSystemPackages } from './system-packages.mjs';

const steps = [
  ['typecheck', 'npm', ['run', '--silent', 'typecheck']],
  ['lint', 'npm', ['run', '--silent', 'lint']],
  ['formatting (Prettier)', 'npm', ['run', '--silent', 'format:check']],
  ['Electron security scan (Electronegativity)', 'node', ['scripts/electron-scan.mjs']],
  ['unit and integration (vitest)', 'npx', ['vitest', 'run']],
  ['build the renderer', 'npm', ['run', '--silent', 'build:renderer']],
  ['end-to-end in Chromium (Playwright)', 'npx', ['playwright', 'test']],
  ['Electron end-to-end', 'node', ['scripts/electron-e2e.mjs']],
];

console.log('== system packages');
ensureSystemPackages('test');
const started = Date.now();
for (const [title, command, args] of steps) {
  console.log(`\n== ${title}`);
  const stepStarted = Date.now();
  const result = spawnSync(command, args, { stdio: 'inherit' });
  const seconds = ((Date.now() - stepStarted) / 1000).toFixed(1);
  if (result.status !== 0) {
    console.error(`\nnpm test: "${title}" failed (exit ${result.status ?? result.signal}) after ${seconds} s`);
    process.exit(result.status ?? 1);
  }
  console.log(`== ${title}: ok (${seconds} s)`);
}
console.log(`\nnpm test: all ${steps.length} steps passed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
