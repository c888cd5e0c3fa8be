// The test cluster's support code: it finds the newest installed server, and without one it fails with the
// command to run — PostgreSQL tests are never skipped silently.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findPostgresBinaries, postgresMissingMessage, startPostgresServer } from '../../support/postgres-server';
import { makeTempDir } from '../../support/temp-dir';

describe('test PostgreSQL server support', () => {
  const folders: { remove: () => void }[] = [];
  afterEach(() => folders.splice(0).forEach((folder) => folder.remove()));

  function fakeInstall(versions: Record<string, string[]>): string {
    const folder = makeTempDir('dayroom-fake-pg-');
    folders.push(folder);
    for (const [version, tools] of Object.entries(versions)) {
      mkdirSync(join(folder.path, version, 'bin'), { recursive: true });
      for (const tool of tools) writeFileSync(join(folder.path, version, 'bin', tool), '');
    }
    return folder.path;
  }

  it('picks the newest version that has both initdb and pg_ctl', () => {
    const root = fakeInstall({ '9.6': ['initdb', 'pg_ctl'], '13': ['initdb', 'pg_ctl'], '15': ['initdb', 'pg_ctl'], '16': ['psql'] });
    expect(findPostgresBinaries(root)).toBe(join(root, '15', 'bin'));
    expect(findPostgresBinaries(fakeInstall({ '15': ['psql'] }))).toBeNull();
    expect(findPostgresBinaries('/nonexistent/postgresql')).toBeNull();
  });

  it('fails with the install command when the server is not installed', async () => {
    expect(postgresMissingMessage).toBe('postgresql is not installed: apt-get install postgresql');
    await expect(startPostgresServer({ root: '/nonexistent/postgresql' })).rejects.toThrow(postgresMissingMessage);
  });
});
