#!/usr/bin/env node
// The Electron security scan of `npm test`'s static checks (docs/security.md §13 "Static checks"): Electronegativity over the sources that make
// up the Electron app — the shell (main/electron), the content policy it serves (main/security) and the renderer page
// it loads (renderer/index.html, renderer/src) — without the Electron binary. Offline: the Electron version is passed
// in (read from the installed electron package) and the check that downloads Electron's release list is left out.
// Every finding must be answered in scripts/electron-scan-answers.json with the reason it is not a hole; a finding with
// no answer fails the step, and so does an answer whose finding no longer occurs (the reason would be stale).
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const answersFile = join(root, 'scripts', 'electron-scan-answers.json');

/** What the scan reads: the code Electron runs, and the page it shows. */
const scannedPaths = ['main/electron', 'main/security', 'renderer/index.html', 'renderer/src'];
/** It fetches Electron's release list from the network to name security fixes newer than ours: not offline. */
const networkChecks = ['AvailableSecurityFixesGlobalCheck'];

/** A finding's identity: its check, its file and the code it points at — not its line, which moves with every edit. */
const keyOf = (finding) => `${finding.check} ${finding.file} ${finding.sample}`;

async function scan() {
  const electronVersion = require('electron/package.json').version;
  // One folder, so the global checks (CSP, navigation limits, permission handlers) see the shell and the page together.
  const staged = mkdtempSync(join(tmpdir(), 'dayroom-electron-scan-'));
  try {
    for (const path of scannedPaths) cpSync(join(root, path), join(staged, path), { recursive: true });
    const run = require('@doyensec/electronegativity');
    // It tries (with a one-second timeout) to fetch newer translations of its own messages and logs when it cannot;
    // that line says nothing about our code, so the log is silenced for the run. The scan itself prints nothing.
    const log = console.log;
    console.log = () => {};
    let result;
    try {
      result = await run({ input: staged, isRelative: true, electronVersionOverride: electronVersion, excludeFromScan: networkChecks, parserPlugins: [] });
    } finally {
      console.log = log;
    }
    const unparsed = result.errors.filter((error) => !error.tolerable).map((error) => `${relative(staged, error.file)}: ${error.message}`);
    const findings = result.issues.map((issue) => ({
      check: issue.id,
      file: issue.file === 'N/A' ? 'N/A' : relative(staged, join(staged, issue.file)),
      sample: typeof issue.sample === 'string' ? issue.sample.trim() : 'N/A',
      line: issue.location?.line ?? 0,
      description: issue.description,
    }));
    return { electronVersion, unparsed, findings };
  } finally {
    rmSync(staged, { recursive: true, force: true });
  }
}

const { electronVersion, unparsed, findings } = await scan();
const answers = JSON.parse(readFileSync(answersFile, 'utf8'));
const answered = new Map(answers.map((answer) => [keyOf(answer), answer]));
const problems = [];
// A file the scanner could not parse was not scanned at all: that is a failure, not a pass.
for (const message of unparsed) problems.push(`could not parse ${message}`);
for (const finding of findings) {
  if (!answered.has(keyOf(finding))) {
    problems.push(
      `${finding.check} at ${finding.file}:${finding.line} (${JSON.stringify(finding.sample)}): ${finding.description} — fix it, or answer it in scripts/electron-scan-answers.json with the reason`,
    );
  }
}
const found = new Set(findings.map(keyOf));
for (const answer of answers) {
  if (typeof answer.reason !== 'string' || answer.reason.trim().length < 20) problems.push(`the answer to ${keyOf(answer)} gives no reason`);
  if (!found.has(keyOf(answer))) problems.push(`the answer to ${keyOf(answer)} matches no finding any more: remove it`);
}

if (problems.length > 0) {
  console.error(`Electron security scan (Electronegativity, Electron ${electronVersion}): ${problems.length} problem(s)`);
  for (const problem of problems) console.error(`  - ${problem}`);
  process.exit(1);
}
console.log(
  `Electron security scan (Electronegativity, Electron ${electronVersion}): ${findings.length} finding(s), each answered in scripts/electron-scan-answers.json`,
);
