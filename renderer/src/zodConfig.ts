// Must be the first import of main.tsx: zod decides at schema construction whether to compile parsers with
// `new Function`, which the page's CSP (no 'unsafe-eval') forbids. Without this, zod's probe for eval would
// log a CSP violation on every start; with it, zod never tries.
import { z } from 'zod';

z.config({ jitless: true });
