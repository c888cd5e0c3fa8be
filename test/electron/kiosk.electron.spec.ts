// The locked-down kiosk window, end to end: our page from app://dayroom/, no Node in it, no new windows,
// the CSP enforced, only the contract's two functions exposed, and the runtime answering behind them.
// Page code is passed as text: this Node-side project has no DOM types, and the checks are one-liners.
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { preloadGlobalName, type CallResult } from '../../main/contract';
import { readDeviceLog } from '../support/device-log';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const mainBundle = join(repoRoot, 'dist', 'electron', 'main.cjs');
const siteFile = join(repoRoot, 'kiosk-config', 'examples', 'wall-kiosk.yaml');
const bridgeExpression = `window[${JSON.stringify(preloadGlobalName)}]`;

test.describe.configure({ mode: 'serial' });

let kiosk: ElectronApplication;
let page: Page;
let userDataDir: string;
const mainProcessOutput: string[] = [];

function environmentWithout(...names: string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined && !names.includes(entry[0])));
}

test.beforeAll(async () => {
  const executablePath = process.env.DAYROOM_ELECTRON_BINARY;
  if (!executablePath) {
    throw new Error('DAYROOM_ELECTRON_BINARY is not set: run this suite with `npm run test:electron`, which finds the Electron binary and builds the shell.');
  }
  userDataDir = await mkdtemp(join(tmpdir(), 'dayroom-electron-'));
  // Chromium will not start its OS sandbox as root, which CI containers are. What these tests check — the
  // page's isolation from Node (webPreferences) — does not depend on it.
  const rootOnly = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
  kiosk = await electron.launch({
    executablePath,
    args: [mainBundle, `--user-data-dir=${userDataDir}`, ...rootOnly],
    env: { ...environmentWithout('ELECTRON_RUN_AS_NODE'), DAYROOM_CONFIG: siteFile },
    cwd: repoRoot,
  });
  kiosk.process().stdout?.on('data', (chunk: Buffer) => mainProcessOutput.push(chunk.toString()));
  kiosk.process().stderr?.on('data', (chunk: Buffer) => mainProcessOutput.push(chunk.toString()));
  try {
    page = await kiosk.firstWindow();
    await page.waitForLoadState('domcontentloaded');
  } catch (error) {
    // The main process says why there is no window (a bad site file, a missing renderer build).
    throw new Error(`The kiosk window did not open.\nMain process output:\n${mainProcessOutput.join('')}`, { cause: error });
  }
});

test.afterEach(async () => {
  const testInfo = test.info();
  if (testInfo.status === testInfo.expectedStatus) return;
  // When the launch itself failed there is no page; the beforeAll error carries the main process output.
  if (!page) return;
  // Logs and a screenshot are kept only when a test fails.
  await testInfo.attach('kiosk window', { body: await page.screenshot(), contentType: 'image/png' });
  await testInfo.attach('main process output', { body: mainProcessOutput.join(''), contentType: 'text/plain' });
  const deviceLog = readDeviceLog(userDataDir);
  if (deviceLog !== '') await testInfo.attach('device log', { body: deviceLog, contentType: 'text/plain' });
});

test.afterAll(async () => {
  await kiosk?.close();
  if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
});

test('loads our own page from app://dayroom/ in a single window', async () => {
  expect(page.url()).toBe('app://dayroom/');
  expect(kiosk.windows()).toHaveLength(1);
});

test('shows the attract screen', async () => {
  await expect(page.locator('[data-screen="attract"]')).toBeVisible();
});

test('gives the page no Node: window.require and process are undefined', async () => {
  expect(await page.evaluate<string>('typeof window.require')).toBe('undefined');
  expect(await page.evaluate<string>('typeof process')).toBe('undefined');
  expect(await page.evaluate<string>('typeof module')).toBe('undefined');
});

test('exposes only the contract bridge: two named functions, never ipcRenderer', async () => {
  expect(await page.evaluate<string[]>(`Object.keys(${bridgeExpression}).sort()`)).toEqual(['call', 'onEvent']);
  expect(await page.evaluate<string>('typeof window.ipcRenderer')).toBe('undefined');
});

test('carries a call to the runtime and back', async () => {
  const result = await page.evaluate<CallResult<unknown>>(`${bridgeExpression}.call('session.current', {})`);
  expect(result).toEqual({ ok: true, value: { phase: 'attract', notice: null, noticeLanguage: null } });
  const unknownCall = await page.evaluate<CallResult<unknown>>(`${bridgeExpression}.call('no.such.call', {})`);
  expect(unknownCall).toMatchObject({ ok: false, error: { code: 'unknownCall' } });
});

test('window.open returns null and opens nothing', async () => {
  expect(await page.evaluate<boolean>("window.open('https://example.org/') === null")).toBe(true);
  expect(await page.evaluate<boolean>("window.open('app://dayroom/') === null")).toBe(true);
  expect(kiosk.windows()).toHaveLength(1);
});

test('the content security policy refuses inline script', async () => {
  const inlineScriptRan = await page.evaluate<boolean>(
    "(() => { const script = document.createElement('script'); script.textContent = 'window.__dayroomInline = true'; document.head.append(script); script.remove(); return window.__dayroomInline === true; })()",
  );
  expect(inlineScriptRan).toBe(false);
});
