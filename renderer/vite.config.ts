// Builds the renderer into dist/renderer for both shells: the Electron app:// protocol and the web host.
// Relative asset paths (base './') work under either; nothing is inlined, so the page runs under
// `default-src 'self'; script-src 'self'; style-src 'self'` (see the CSP meta tag in index.html).
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/**
 * The dev server injects an inline React Refresh preamble that the strict CSP would block. Only
 * `vite serve` drops the meta tag; the built page always keeps it.
 */
function relaxCspForDevServer(): Plugin {
  return {
    name: 'dayroom:relax-csp-for-dev-server',
    apply: 'serve',
    transformIndexHtml: (html) => html.replace(/\s*<meta http-equiv="Content-Security-Policy"[^>]*>/, ''),
  };
}

export default defineConfig({
  // Vite defines import.meta.dirname for config files; the renderer's lint forbids node: imports here.
  root: import.meta.dirname,
  base: './',
  plugins: [react(), relaxCspForDevServer()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    // data: URLs are not 'self': every asset must be a file of its own.
    assetsInlineLimit: 0,
    // Chromium supports modulepreload natively; no polyfill code needed.
    modulePreload: { polyfill: false },
  },
});
