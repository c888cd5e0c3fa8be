// The web host's token survives a restart (so an open kiosk page reconnects by itself), is the app user's alone, and a
// file that does not hold one of our tokens is replaced rather than trusted.
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hostTokenFileName, loadOrCreateHostToken } from '../../../main/host/host-token';
import { makeTempDir } from '../../support/temp-dir';

let dir: ReturnType<typeof makeTempDir>;
afterEach(() => dir.remove());

describe('the web host token', () => {
  it('is made once, kept in a file only the app user can read, and the same at the next start', () => {
    dir = makeTempDir('dayroom-host-token-');
    const first = loadOrCreateHostToken(dir.path);
    expect(first.source).toBe('new');
    expect(statSync(join(dir.path, hostTokenFileName)).mode & 0o777).toBe(0o600);
    expect(loadOrCreateHostToken(dir.path)).toEqual({ token: first.token, source: 'kept' });
  });

  it('replaces a file that does not hold a token of ours', () => {
    dir = makeTempDir('dayroom-host-token-');
    writeFileSync(join(dir.path, hostTokenFileName), 'not a token; echo hello');
    const replaced = loadOrCreateHostToken(dir.path);
    expect(replaced.source).toBe('new');
    expect(replaced.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });
});
