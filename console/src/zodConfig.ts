// First import of main.tsx: the hub's CSP has no 'unsafe-eval', so zod must never try to compile parsers with
// `new Function` (it would log a CSP violation on every page load).
import { z } from 'zod';

z.config({ jitless: true });
