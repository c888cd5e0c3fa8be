// The benchmarks that open the kiosk in Chromium need the built renderer (dist/renderer), which a fresh checkout does
// not have and which goes stale as renderer/ changes. Built here when missing or older than its sources, so
// `npm run bench` works from a fresh checkout and never measures yesterday's screens.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));
const builtPage = join(repositoryRoot, 'dist', 'renderer', 'index.html');

/**
 * What the page is built from: its own folder and what it imports from outside it (the contract, the keyboard-mode
 * detector, a shared folder if there is one), and the lockfile (a new vite or React is a new build).
 */
const rendererInputs = ['renderer', 'main/contract', 'hardware/keyboard', 'shared', 'package-lock.json'];

/** The newest modification time (ms) of any file under `path`, or 0 for a path that does not exist. */
function newestModification(path: string): number {
  if (!existsSync(path)) return 0;
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/** Why the renderer must be built before a benchmark opens it, or null when dist/renderer is current. */
export function rendererBuildReason(root = repositoryRoot): string | null {
  const page = join(root, 'dist', 'renderer', 'index.html');
  if (!existsSync(page)) return 'dist/renderer is not built';
  const builtAt = statSync(page).mtimeMs;
  const newestSource = Math.max(...rendererInputs.map((input) => newestModification(join(root, input))));
  return newestSource > builtAt ? 'dist/renderer is older than its sources' : null;
}

/** Builds the renderer (`npm run build:renderer`) when it is missing or stale; throws when the build fails. */
export function ensureRendererBuilt(): void {
  const reason = rendererBuildReason();
  if (reason === null) return;
  console.log(`bench: ${reason}; building it (npm run build:renderer)`);
  const build = spawnSync('npm', ['run', '--silent', 'build:renderer'], { cwd: repositoryRoot, stdio: 'inherit' });
  if (build.status !== 0) throw new Error(`npm run build:renderer failed (${build.status ?? build.signal}); the benchmarks that open the kiosk need it`);
  if (!existsSync(builtPage)) throw new Error(`npm run build:renderer ended without writing ${builtPage}`);
}

/** What the facility console is built from: its folder, the console API's schemas and rules/ it imports, the lockfile. */
const consoleInputs = ['console', 'hub/console/api/schemas', 'rules', 'package-lock.json'];

/** Builds the console (`npm run build:console`) when dist/console is missing or older than its sources. */
export function ensureConsoleBuilt(root = repositoryRoot): void {
  const page = join(root, 'dist', 'console', 'index.html');
  const builtAt = existsSync(page) ? statSync(page).mtimeMs : 0;
  const newestSource = Math.max(...consoleInputs.map((input) => newestModification(join(root, input))));
  if (builtAt !== 0 && newestSource <= builtAt) return;
  console.log(`bench: ${builtAt === 0 ? 'dist/console is not built' : 'dist/console is older than its sources'}; building it (npm run build:console)`);
  const build = spawnSync('npm', ['run', '--silent', 'build:console'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0 || !existsSync(page))
    throw new Error(`npm run build:console failed (${build.status ?? build.signal}); the console benchmark needs it`);
}
