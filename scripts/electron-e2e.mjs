#!/usr/bin/env node
// `npm run test:electron`: the Playwright `_electron` suite (test/electron), run where the Electron binary
// exists. Where it does not — it cannot be downloaded on our build machines — this says so in one line and
// exits 0, so the skip is always visible and never silent. The electron package is never required: it would
// try to download the binary.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(repoRoot);
// Imported after chdir: it finds node_modules/electron relative to the working directory.
const { electronBinaryPath } = await import('./electron-binary.mjs');

const electronBinary = electronBinaryPath();
if (electronBinary === null) {
  const missing = existsSync('node_modules/electron/path.txt')
    ? 'node_modules/electron/dist is missing'
    : 'node_modules/electron/path.txt and dist are missing';
  console.log(
    `electron e2e: SKIPPED — the Electron binary is not installed (${missing}; it cannot be downloaded on this machine). Run \`npx install-electron\` where the network allows, then \`npm run test:electron\`.`,
  );
  process.exit(0);
}

/** Runs a command with our output; returns its exit code. */
function run(command, args, env = process.env) {
  const result = spawnSync(command, args, { stdio: 'inherit', env });
  if (result.error) {
    console.error(`electron e2e: could not run ${command}: ${result.error.message}`);
    return 1;
  }
  return result.status ?? 1;
}

function exitOnFailure(code, what) {
  if (code !== 0) {
    console.error(`electron e2e: ${what} failed (exit ${code})`);
    process.exit(code);
  }
}

if (!existsSync('dist/renderer/index.html')) {
  console.log('electron e2e: the renderer is not built yet; building it');
  exitOnFailure(run('npm', ['run', '--silent', 'build:renderer']), 'npm run build:renderer');
}
exitOnFailure(run('npm', ['run', '--silent', 'build:electron']), 'npm run build:electron');

// Electron needs a display. A headless Linux machine gets a virtual one from xvfb-run, if it is installed.
const playwright = ['playwright', 'test', '-c', 'test/electron/playwright.config.ts', ...process.argv.slice(2)];
let command = 'npx';
let args = playwright;
if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
  if (spawnSync('xvfb-run', ['--help'], { stdio: 'ignore' }).error) {
    console.error(
      "electron e2e: there is no display and xvfb-run is missing. Install it first, as root: sudo sh -c 'apt-get update && apt-get install -y xvfb'",
    );
    process.exit(1);
  }
  command = 'xvfb-run';
  args = ['--auto-servernum', 'npx', ...playwright];
}
process.exit(run(command, args, { ...process.env, DAYROOM_ELECTRON_BINARY: electronBinary }));
