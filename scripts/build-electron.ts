// Bundles the Electron shell: main/electron/main.ts → dist/electron/main.cjs and preload.ts → preload.cjs.
// Runs anywhere Node runs; it never loads Electron itself (`npm run build:electron`). `--out-dir DIR` builds elsewhere
// than dist/electron: the packaging dry run builds into a scratch folder so it never swaps files under other tests.
import { build, type BuildOptions } from 'esbuild';
import { rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The folder to build into: dist/electron, or the one --out-dir names. Anything else on the command line is refused. */
function chosenOutDir(): string {
  try {
    const { values } = parseArgs({ options: { 'out-dir': { type: 'string' } } });
    return values['out-dir'] === undefined ? join(repoRoot, 'dist', 'electron') : resolve(values['out-dir']);
  } catch (error) {
    console.error(`build-electron: ${error instanceof Error ? error.message : String(error)}. Usage: build-electron.ts [--out-dir DIR]`);
    process.exit(2);
  }
}
const outDir = chosenOutDir();

/**
 * Left to Node's require at run time, from the app's node_modules: Electron itself, native addons (which
 * electron-builder rebuilds for Electron's ABI) and packages that load files or workers by path, which a
 * bundle would break.
 */
const runtimeRequired = [
  'electron',
  'better-sqlite3-multiple-ciphers',
  'node-hid',
  'serialport',
  '@serialport/*',
  'pino',
  'pino-*',
  'thread-stream',
  'sonic-boom',
  // Optional native speed-ups that ws tries to load.
  'bufferutil',
  'utf-8-validate',
];

const shared: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  // Electron 45 runs Node 22.
  target: 'node22',
  sourcemap: 'linked',
  logLevel: 'warning',
  absWorkingDir: repoRoot,
};

async function buildElectronShell(): Promise<void> {
  rmSync(outDir, { recursive: true, force: true });
  await Promise.all([
    build({
      ...shared,
      entryPoints: ['main/electron/main.ts'],
      outfile: join(outDir, 'main.cjs'),
      external: runtimeRequired,
      // ESM sources may use import.meta; in a CommonJS bundle it would be empty, so point it at the bundle.
      banner: { js: 'const __bundleUrl = require("node:url").pathToFileURL(__filename).href;' },
      define: { 'import.meta.url': '__bundleUrl', 'import.meta.dirname': '__dirname', 'import.meta.filename': '__filename' },
    }),
    build({
      ...shared,
      entryPoints: ['main/electron/preload.ts'],
      outfile: join(outDir, 'preload.cjs'),
      // A sandboxed preload can require only electron (and a few Node shims); everything else is bundled.
      external: ['electron'],
      // The contract brings all of zod along; the preload runs at every page load, so keep it small.
      minify: true,
    }),
  ]);
  console.log(`electron shell built: ${relative(repoRoot, join(outDir, 'main.cjs'))}, ${relative(repoRoot, join(outDir, 'preload.cjs'))}`);
}

buildElectronShell().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
