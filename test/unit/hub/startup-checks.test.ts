// The hub's start-up checks (hub/startup.ts) and the backup file's header and tools (hub/db/backup.ts), on real files:
// certificates and keys made with openssl, environment files with real modes, a port nothing listens on, and Debian's
// layout of PostgreSQL tools imitated in a folder. No PostgreSQL server and no hub are started here.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackupRefusal, findPostgresTool, readBackupHeader } from '../../../hub/db/backup';
import { checkDatabaseReachable, checkEnvironmentFileIsPrivate, loadTlsFiles, parseDatabaseUrl, redactedDatabaseUrl, StartRefusal } from '../../../hub/startup';
import { makeTempDir } from '../../support/temp-dir';

let folder: { path: string; remove: () => void };
beforeAll(() => {
  folder = makeTempDir('dayroom-startup-');
});
afterAll(() => folder.remove());

function selfSigned(name: string): { cert: string; key: string } {
  const cert = join(folder.path, `${name}.crt`);
  const key = join(folder.path, `${name}.key`);
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', `/CN=${name}`, '-keyout', key, '-out', cert],
    { stdio: 'ignore' },
  );
  return { cert, key };
}

describe('TLS files', () => {
  it('loads a certificate and its key, and refuses a key of another certificate in words', () => {
    const hub = selfSigned('hub');
    const other = selfSigned('other');
    const loaded = loadTlsFiles(hub.cert, hub.key);
    expect(loaded.cert.toString('utf8')).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(() => loadTlsFiles(hub.cert, other.key)).toThrow(
      new StartRefusal(`${other.key} (--tls-key) is not the private key of the certificate in ${hub.cert} (--tls-cert, CN=hub).`),
    );
    expect(() => loadTlsFiles(join(folder.path, 'none.crt'), hub.key)).toThrow(
      new StartRefusal(`--tls-cert names ${join(folder.path, 'none.crt')} as the TLS certificate, and there is no such file.`),
    );
    expect(() => loadTlsFiles(hub.cert, hub.cert)).toThrow(
      new StartRefusal(`${hub.cert} (--tls-key) is not an unencrypted PEM private key: it should begin with -----BEGIN PRIVATE KEY-----.`),
    );
  });
});

describe('the environment file', () => {
  it('passes a file only its owner may read, and names the mode of one others may', () => {
    const file = join(folder.path, 'hub.env');
    writeFileSync(file, 'DATABASE_URL=postgres://hub:pw@db/hub\n');
    chmodSync(file, 0o600);
    expect(() => checkEnvironmentFileIsPrivate(file)).not.toThrow();
    chmodSync(file, 0o604);
    expect(() => checkEnvironmentFileIsPrivate(file)).toThrow(/its mode 0604 lets everyone else read or change it\. Make it private: chmod 600 /);
  });
});

describe('DATABASE_URL', () => {
  it('says what a URL lacks, and never shows its password', () => {
    expect(() => parseDatabaseUrl('postgres://hub@db.example:5432/')).toThrow(/^DATABASE_URL names no database;/);
    expect(() => parseDatabaseUrl('http://db.example/hub')).toThrow(/^DATABASE_URL begins with "http:", and the hub speaks only to PostgreSQL;/);
    expect(redactedDatabaseUrl(parseDatabaseUrl('postgres://hub:s3cret@db.example:5432/hub'))).toBe('postgres://hub:***@db.example:5432/hub');
  });

  it('names a port nothing listens on', async () => {
    // A port just released: nothing listens there.
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const address = server.address();
        const free = typeof address === 'object' && address !== null ? address.port : 0;
        server.close(() => resolve(free));
      });
    });
    await expect(checkDatabaseReachable(`postgres://hub:s3cret@127.0.0.1:${port}/hub`)).rejects.toThrow(
      new StartRefusal(
        `No PostgreSQL server answers at 127.0.0.1:${port} (DATABASE_URL postgres://hub:***@127.0.0.1:${port}/hub): is it running, and on that port?`,
      ),
    );
  });
});

describe('the backup file and its tools', () => {
  it('reads a backup header, and refuses a file that is not one or whose manifest is damaged', () => {
    const manifest = {
      format: 'dayroom-hub-backup',
      formatVersion: 1,
      createdAt: '2025-03-03T14:00:00.000Z',
      serverVersion: '15.10',
      migrations: [1, 2, 3],
      tables: { blobs: 2, residents: 3 },
      blobs: { count: 2, totalBytes: 300, digest: 'a'.repeat(64) },
      dump: { bytes: 4, sha256: 'b'.repeat(64) },
    };
    const good = join(folder.path, 'good.backup');
    writeFileSync(good, `DAYROOM-HUB-BACKUP 1\n${JSON.stringify(manifest)}\nPGDM`);
    expect(readBackupHeader(good)).toEqual({ manifest, dumpOffset: Buffer.byteLength(`DAYROOM-HUB-BACKUP 1\n${JSON.stringify(manifest)}\n`) });
    const damaged = join(folder.path, 'damaged.backup');
    writeFileSync(damaged, `DAYROOM-HUB-BACKUP 1\n{"format":"dayroom-hub-backup"\nPGDM`);
    expect(() => readBackupHeader(damaged)).toThrow(new BackupRefusal(`${damaged} is damaged: its manifest is not readable JSON.`));
    const wrongShape = join(folder.path, 'shape.backup');
    writeFileSync(wrongShape, `DAYROOM-HUB-BACKUP 1\n${JSON.stringify({ ...manifest, tables: { blobs: -1 } })}\nPGDM`);
    expect(() => readBackupHeader(wrongShape)).toThrow(/shape\.backup is damaged: its manifest is not what a Dayroom hub backup holds/);
  });

  it("finds pg_dump of the server's major version first, then a newer one, never an older one", () => {
    const root = join(folder.path, 'postgresql');
    for (const version of ['13', '15', '16']) {
      mkdirSync(join(root, version, 'bin'), { recursive: true });
      writeFileSync(join(root, version, 'bin', 'pg_dump'), '');
    }
    expect(findPostgresTool('pg_dump', 15, root)).toBe(join(root, '15', 'bin', 'pg_dump'));
    expect(findPostgresTool('pg_dump', 14, root)).toBe(join(root, '16', 'bin', 'pg_dump'));
    expect(() => findPostgresTool('pg_dump', 17, root)).toThrow(
      new BackupRefusal('pg_dump for PostgreSQL 17 (or newer) is not installed on this machine: apt-get install postgresql-client-17'),
    );
  });
});
