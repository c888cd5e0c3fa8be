// Lint, and the layering rules of ARCHITECTURE.md. Each folder lists what it may not import; the test
// test/static/layering.test.ts proves that a violation is caught.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const nodeBuiltins = ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'net', 'http', 'https', 'crypto', 'stream', 'events', 'url', 'util', 'worker_threads'];
const electron = { regex: '^electron(/.*)?$', message: 'Only main/electron/ may import electron: the runtime must run under plain Node.' };

/** One no-restricted-imports setting per layer (flat config replaces a rule's options per block, so each block is complete). */
function layer(files, patterns) {
  return { files, rules: { 'no-restricted-imports': ['error', { patterns }] } };
}

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'release/**', 'test-results/**', 'playwright-report/**', '.demo/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']", message: 'Message text is rendered as text, never as HTML.' }],
    },
  },
  // Everything outside main/electron: no electron.
  layer(['**/*.{ts,tsx,js,mjs}'], [electron]),
  layer(['main/electron/**'], []),
  // The renderer sees the contract and itself, nothing else of the device, and no Node.
  {
    ...layer(['renderer/**'], [
      electron,
      { group: ['**/main/**', '!**/main/contract', '!**/main/contract/**'], message: 'The renderer imports only main/contract from the device.' },
      { group: ['**/hub/**', '**/kiosk-config/**', '**/scripts/**', '**/platform/**'], message: 'The renderer imports only main/contract and its own folder.' },
      // hardware/** too, with one exception: the keyboard-mode reader detector. The same detector must run in both
      // shells (Electron's main process, and the page under the web host), and it imports nothing: no Node, no DOM,
      // no device state. A regex, because gitignore-style groups cannot re-include one file of an excluded folder.
      { regex: '(^|/)hardware(?!/keyboard/wedge-detector(\\.ts)?$)(/|$)', message: 'The renderer imports only main/contract and its own folder (and hardware/keyboard/wedge-detector).' },
      { group: nodeBuiltins, message: 'The renderer runs sandboxed: no Node modules.' },
    ]),
    languageOptions: { globals: { ...globals.browser } },
  },
  // Device code: no renderer, no hub internals (the hub's wire protocol is allowed).
  layer(['main/**', 'hardware/**', 'kiosk-config/**'], [
    electron,
    { group: ['**/renderer/**'], message: 'Device code never imports the renderer.' },
    { group: ['**/hub/**', '!**/hub/protocol', '!**/hub/protocol/**'], message: 'Device code may import only the hub wire protocol (hub/protocol).' },
  ]),
  // main/electron may import electron but still not the renderer or the hub.
  layer(['main/electron/**'], [
    { group: ['**/renderer/**'], message: 'Device code never imports the renderer.' },
    { group: ['**/hub/**', '!**/hub/protocol', '!**/hub/protocol/**'], message: 'Device code may import only the hub wire protocol (hub/protocol).' },
  ]),
  // The contract is shared by both sides: no Node, no DOM, no device internals. Last, so the device-wide block above does not loosen it.
  {
    files: ['main/contract/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        electron,
        { group: nodeBuiltins, message: 'main/contract is shared with the renderer: no Node modules.' },
        // ../../rules/ is the one exception: the shared rules (the text rule and the longest letter among them), pure,
        // which the device's inputs must share with the hub's (one definition of what text is accepted).
        { regex: '^\\.\\./(?!\\.\\./rules/[\\w-]+(\\.ts)?$)', message: 'main/contract imports only zod, its own files and rules/.' },
      ] }],
      'no-restricted-globals': ['error', 'window', 'document', 'navigator', 'process', 'Buffer'],
    },
  },
  // The hub never imports device code.
  layer(['hub/**'], [
    electron,
    { group: ['**/main/**', '**/hardware/**', '**/renderer/**', '**/kiosk-config/**'], message: 'The hub never imports device code.' },
  ]),
  // rules/ is the bottom layer: the rules device and hub both apply, which anyone may import (the renderer and the
  // contract too). So it imports nothing of the project but its own files, no Node and no DOM — only packages like zod.
  {
    files: ['rules/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        electron,
        { group: nodeBuiltins, message: 'rules/ is imported by the renderer too: no Node modules.' },
        { regex: '^\\.\\./', message: 'rules/ is the bottom layer: it imports only packages and its own files.' },
      ] }],
      'no-restricted-globals': ['error', 'window', 'document', 'navigator', 'process', 'Buffer'],
    },
  },
  // platform/ is the Node side of the bottom layer (durable files, credential hashes), for the device runtime and the
  // hub: Node and rules/, nothing else of the project. The renderer may not import it (above).
  layer(['platform/**'], [
    electron,
    { regex: '^\\.\\./(?!rules/[\\w-]+(\\.ts)?$)', message: 'platform/ imports only Node, packages, its own files and rules/.' },
  ]),
);
