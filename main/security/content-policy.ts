// The Content-Security-Policy for the renderer, one definition for both shells (docs/security.md §12 "The Electron checklist", item 7):
// our own scripts and styles only; images and media only from our own origin or the app protocol.
export const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' app: blob:",
  "media-src 'self' app: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');
