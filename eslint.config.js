// Lint, and the layering rules of docs/architecture.md §3 "Layers". Each folder lists what it may not import; the test
// test/static/layering.test.ts proves that a violation is caught.
//
// THE DEVICE'S LAYERS (the rule `dayroom/layers` below). Device code (main/, hardware/, kiosk-config/) is a ring of
// layers, and a file imports only from its own layer or the layers before it in this list:
//
//   0 shared     rules/, main/contract, hub/protocol: pure definitions both sides agree on, importable by everyone
//   1 hardware   reader drivers, parsers and simulators, and the reader config schemas they own
//   2 site       kiosk-config/: the site file, which embeds hardware's reader schemas
//   3 logging    main/logging.ts: the device log, which imports nothing of the device
//   4 store      main/store: the tables and files on disk
//   5 sync       main/sync: the outbox's trip to the hub and back, and the device's identity there
//   6 audit      main/audit: the audit log every service records into
//   7 services   main/mail, money, visits, tablet, signin (with the site's credential mapping), service-mode, session,
//                update (the app's own updates from the hub), device-wipe: what a person or staff member does, each
//                throwing its own coded errors
//   8 runtime    main/runtime*, main/device-actions (the enrollment and wipe call handlers), main/bridge, main/host,
//                main/electron, main/security: wires the services together and speaks the transport; only main/bridge
//                and main/runtime* throw DeviceCallError, and main/bridge/service-errors.ts turns the others' coded
//                errors into the caller's refusal
//
// Peers in one layer may import each other (a session uses sign-in and the tablet's sync lock). main/contract keeps its
// own stricter block below; rules/ is checked by the ring too, so the shared rules never reach up into the device.
//
// Why: each layer can be read, tested and changed knowing only the layers below it. A lower layer that reached up (the
// store needing sync, sync needing the audit log, a reader driver needing the whole site file) made a cycle, so
// neither side could be understood or loaded on its own; a service that threw the bridge's transport error tied
// domain code to one way of being called. A file under main/ that is in no layer is reported too, so a new folder is
// placed on purpose (add it to `deviceLayers`).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import i18next from 'eslint-plugin-i18next';

const repositoryRoot = path.dirname(fileURLToPath(import.meta.url));

/**
 * The rules that need the type checker. Exported so the layering test, which lints source text under made-up file
 * names the type checker cannot know, can switch exactly these off.
 */
export const typeAwareRules = {
  '@typescript-eslint/no-floating-promises': 'error',
  '@typescript-eslint/no-misused-promises': 'error',
  '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true, requireDefaultForNonUnion: false }],
};

/** The ring, innermost first; each entry says which repository paths (folders end in /) belong to the layer. */
const deviceLayers = [
  { name: 'shared', paths: ['rules/', 'main/contract/', 'hub/protocol/'] },
  { name: 'hardware', paths: ['hardware/'] },
  { name: 'site', paths: ['kiosk-config/'] },
  { name: 'logging', paths: ['main/logging.ts', 'main/log-files.ts', 'main/pino-roll.d.ts'] },
  { name: 'store', paths: ['main/store/'] },
  { name: 'sync', paths: ['main/sync/'] },
  { name: 'audit', paths: ['main/audit/'] },
  {
    name: 'services',
    paths: [
      'main/mail/',
      'main/money/',
      'main/visits/',
      'main/tablet/',
      'main/signin/',
      'main/service-mode/',
      'main/session/',
      'main/update/',
      'main/device-wipe.ts',
    ],
  },
  { name: 'runtime', paths: ['main/runtime.ts', 'main/runtime/', 'main/device-actions.ts', 'main/bridge/', 'main/host/', 'main/electron/', 'main/security/'] },
];

/** Whether a repository path (forward slashes; an import names a folder without its slash, a file without .ts) is under an entry of deviceLayers. */
function isUnder(repositoryPath, entry) {
  if (entry.endsWith('/')) return repositoryPath.startsWith(entry) || repositoryPath === entry.slice(0, -1);
  return repositoryPath === entry || repositoryPath === entry.replace(/\.ts$/, '');
}

/** The index in deviceLayers of the layer a repository path belongs to, or -1. */
const layerIndexOf = (repositoryPath) => deviceLayers.findIndex((layer) => layer.paths.some((entry) => isUnder(repositoryPath, entry)));

/** Whether the ring applies to an imported path at all: device code and the shared folders (the hub's internals have their own rule). */
const isDevicePath = (repositoryPath) => /^(main|hardware|kiosk-config|rules)(\/|\.ts$|$)/.test(repositoryPath) || isUnder(repositoryPath, 'hub/protocol/');

const layersRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Device code imports only its own layer and the layers inside it (the ring at the top of eslint.config.js).' },
    schema: [],
  },
  create(context) {
    const importer = path.relative(repositoryRoot, context.filename).split(path.sep).join('/');
    const importerLayer = layerIndexOf(importer);
    function check(node, specifier) {
      if (typeof specifier !== 'string' || !specifier.startsWith('.')) return;
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(importer), specifier));
      if (!isDevicePath(target)) return;
      const targetLayer = layerIndexOf(target);
      if (importerLayer === -1 || targetLayer === -1) {
        const unplaced = importerLayer === -1 ? importer : target;
        context.report({
          node,
          message: `${unplaced} is in no layer of the device: place it in deviceLayers (eslint.config.js) before importing across folders.`,
        });
        return;
      }
      if (targetLayer > importerLayer) {
        context.report({
          node,
          message: `The ${deviceLayers[importerLayer].name} layer (${importer}) may not import the ${deviceLayers[targetLayer].name} layer (${target}): a layer imports only itself and the layers inside it.`,
        });
      }
    }
    const checkSource = (node) => {
      if (node.source) check(node.source, node.source.value);
    };
    return {
      ImportDeclaration: checkSource,
      ExportNamedDeclaration: checkSource,
      ExportAllDeclaration: checkSource,
      ImportExpression: (node) => {
        if (node.source.type === 'Literal') check(node.source, node.source.value);
      },
    };
  },
};

const nodeBuiltins = [
  'node:*',
  'fs',
  'fs/*',
  'path',
  'os',
  'child_process',
  'net',
  'http',
  'https',
  'crypto',
  'stream',
  'events',
  'url',
  'util',
  'worker_threads',
];
const electron = { regex: '^electron(/.*)?$', message: 'Only main/electron/ may import electron: the runtime must run under plain Node.' };

/** One no-restricted-imports setting per layer (flat config replaces a rule's options per block, so each block is complete). */
function layer(files, patterns) {
  return { files, rules: { 'no-restricted-imports': ['error', { patterns }] } };
}

/** no-literal-string's options: JSX text and the attributes a person sees or hears. */
export const literalStringRule = {
  mode: 'jsx-only',
  'jsx-attributes': { include: ['aria-label', 'aria-description', 'aria-valuetext', 'aria-placeholder', 'title', 'placeholder', 'alt', 'label'] },
  // Text without a letter is no word to translate: a mark drawn beside words (● ✓ ⚠ ›), a number, punctuation; nor is
  // one capital letter alone, the sample glyph the text-size buttons draw at each size (hidden from screen readers).
  words: { exclude: [/^[^\p{L}]*$/u, /^[A-Z]$/u] },
  message: 'Words a person sees belong in renderer/locales (t(...)), so every language has them',
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'release/**', 'test-results/**', 'playwright-report/**', '.demo/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']", message: 'Message text is rendered as text, never as HTML.' },
      ],
    },
  },
  // Type-aware rules: a promise nobody awaits or catches loses its failure silently, and a switch over a union that
  // misses a member is a state the code never handles. They need the type checker, so TypeScript files only.
  {
    files: ['**/*.{ts,tsx}'],
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['renderer/vite.config.ts', 'console/vite.config.ts'] }, tsconfigRootDir: repositoryRoot },
    },
    rules: typeAwareRules,
  },
  // The rules of hooks (and the React Compiler's checks of what a component may do while rendering) for the screens.
  {
    files: ['renderer/**/*.{ts,tsx}', 'console/**/*.{ts,tsx}'],
    ...reactHooks.configs.flat['recommended-latest'],
    rules: {
      ...reactHooks.configs.flat['recommended-latest'].rules,
      'react-hooks/exhaustive-deps': 'error',
      // This project does not compile with the React Compiler, so "the compiler will skip this component" (said of
      // every @tanstack/react-virtual user) is not a finding here.
      'react-hooks/incompatible-library': 'off',
    },
  },
  // Every word a person sees on the resident and staff screens comes from a locale file, so every language has it
  // (docs/languages.md): no literal text in JSX, nor in the attributes that are read or shown — a screen reader's name,
  // a tooltip, a placeholder, a picture's description. Tested in test/static/literal-strings.test.ts.
  {
    files: ['renderer/src/**/*.tsx'],
    plugins: { i18next },
    rules: { 'i18next/no-literal-string': ['error', literalStringRule] },
  },
  // Everything outside main/electron: no electron.
  layer(['**/*.{ts,tsx,js,mjs}'], [electron]),
  layer(['main/electron/**'], []),
  // The renderer sees the contract and itself, nothing else of the device, and no Node.
  {
    ...layer(
      ['renderer/**'],
      [
        electron,
        { group: ['**/main/**', '!**/main/contract', '!**/main/contract/**'], message: 'The renderer imports only main/contract from the device.' },
        {
          group: ['**/hub/**', '**/kiosk-config/**', '**/scripts/**', '**/platform/**'],
          message: 'The renderer imports only main/contract and its own folder.',
        },
        // hardware/** too, with one exception: the keyboard-mode reader detector. The same detector must run in both
        // shells (Electron's main process, and the page under the web host), and it imports nothing: no Node, no DOM,
        // no device state. A regex, because gitignore-style groups cannot re-include one file of an excluded folder.
        {
          regex: '(^|/)hardware(?!/keyboard/wedge-detector(\\.ts)?$)(/|$)',
          message: 'The renderer imports only main/contract and its own folder (and hardware/keyboard/wedge-detector).',
        },
        { group: nodeBuiltins, message: 'The renderer runs sandboxed: no Node modules.' },
      ],
    ),
    languageOptions: { globals: { ...globals.browser } },
  },
  // The facility console runs in staff's browsers: its own folder, the console API's schemas (the contract it shares
  // with the hub) and rules/; nothing of the device, no hub internals, no Node.
  {
    ...layer(
      ['console/**'],
      [
        electron,
        {
          group: ['**/main/**', '**/renderer/**', '**/hardware/**', '**/kiosk-config/**', '**/scripts/**', '**/platform/**'],
          message: 'The console imports no device code.',
        },
        {
          regex: '(^|/)hub/(?!console/api/schemas/)',
          message: 'The console imports only its own folder, hub/console/api/schemas and rules/.',
        },
        { group: nodeBuiltins, message: 'The console runs in a browser: no Node modules.' },
      ],
    ),
    languageOptions: { globals: { ...globals.browser } },
  },
  // Device code: no renderer, no hub internals (the hub's wire protocol is allowed).
  layer(
    ['main/**', 'hardware/**', 'kiosk-config/**'],
    [
      electron,
      { group: ['**/renderer/**'], message: 'Device code never imports the renderer.' },
      { group: ['**/hub/**', '!**/hub/protocol', '!**/hub/protocol/**'], message: 'Device code may import only the hub wire protocol (hub/protocol).' },
    ],
  ),
  // main/electron may import electron but still not the renderer or the hub.
  layer(
    ['main/electron/**'],
    [
      { group: ['**/renderer/**'], message: 'Device code never imports the renderer.' },
      { group: ['**/hub/**', '!**/hub/protocol', '!**/hub/protocol/**'], message: 'Device code may import only the hub wire protocol (hub/protocol).' },
    ],
  ),
  // The contract is shared by both sides: no Node, no DOM, no device internals. Last, so the device-wide block above does not loosen it.
  {
    files: ['main/contract/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            electron,
            { group: nodeBuiltins, message: 'main/contract is shared with the renderer: no Node modules.' },
            // ../../rules/ is the one exception: the shared rules (the text rule and the longest letter among them), pure,
            // which the device's inputs must share with the hub's (one definition of what text is accepted).
            { regex: '^\\.\\./(?!\\.\\./rules/[\\w-]+(\\.ts)?$)', message: 'main/contract imports only zod, its own files and rules/.' },
          ],
        },
      ],
      'no-restricted-globals': ['error', 'window', 'document', 'navigator', 'process', 'Buffer'],
    },
  },
  // The ring of device layers (the top of this file). main/contract and rules/ are the innermost layer and each has its
  // own, stricter rule (packages, their own files and rules/ only), so the ring does not report them a second time.
  {
    files: ['main/**', 'hardware/**', 'kiosk-config/**'],
    ignores: ['main/contract/**'],
    plugins: { dayroom: { rules: { layers: layersRule } } },
    rules: { 'dayroom/layers': 'error' },
  },
  // The hub never imports device code.
  layer(
    ['hub/**'],
    [electron, { group: ['**/main/**', '**/hardware/**', '**/renderer/**', '**/kiosk-config/**'], message: 'The hub never imports device code.' }],
  ),
  // The console API's schemas are shared with the browser: zod and rules/ only.
  layer(
    ['hub/console/api/schemas/**'],
    [
      { group: nodeBuiltins, message: 'The console schemas run in the browser too: no Node modules.' },
      { regex: '^\\.\\./(?!\\.\\./\\.\\./\\.\\./rules/)', message: 'The console schemas import only zod, their own files and rules/.' },
    ],
  ),
  // rules/ is the bottom layer: the rules device and hub both apply, which anyone may import (the renderer and the
  // contract too). So it imports nothing of the project but its own files, no Node and no DOM — only packages like zod.
  {
    files: ['rules/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            electron,
            { group: nodeBuiltins, message: 'rules/ is imported by the renderer too: no Node modules.' },
            { regex: '^\\.\\./', message: 'rules/ is the bottom layer: it imports only packages and its own files.' },
          ],
        },
      ],
      'no-restricted-globals': ['error', 'window', 'document', 'navigator', 'process', 'Buffer'],
    },
  },
  // platform/ is the Node side of the bottom layer (durable files, credential hashes), for the device runtime and the
  // hub: Node and rules/, nothing else of the project. The renderer may not import it (above).
  layer(
    ['platform/**'],
    [electron, { regex: '^\\.\\./(?!rules/[\\w-]+(\\.ts)?$)', message: 'platform/ imports only Node, packages, its own files and rules/.' }],
  ),
);
