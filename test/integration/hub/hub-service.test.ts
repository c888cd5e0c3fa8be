// The hub started the way its systemd unit starts it (`node --import tsx hub/main.ts`): HTTPS from a certificate and
// key made here with openssl, and the configuration mistakes an installer makes — a missing or mismatched certificate
// file, an environment file others can read, a DATABASE_URL that is not a URL, names no server that answers, a
// database that does not exist, a wrong password — each refused at start with one sentence, no stack trace, exit 1.
import { execFileSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import type { TLSSocket } from 'node:tls';
import { request } from 'node:https';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hubPaths } from '../../../hub/protocol/index';
import { runHubToExit, startHubProcess } from '../../support/hub-process';
import { startPostgresServer, type PostgresServer } from '../../support/postgres-server';
import { makeTempDir } from '../../support/temp-dir';

let folder: { path: string; remove: () => void };

/** A self-signed certificate for 127.0.0.1 and its key, as PEM files. */
function selfSigned(name: string): { cert: string; key: string } {
  const cert = join(folder.path, `${name}.crt`);
  const key = join(folder.path, `${name}.key`);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  return { cert, key };
}

/** A GET over HTTPS that trusts only `ca`: the hub's certificate must be the one it was given. */
function httpsGet(url: string, ca: Buffer): Promise<{ status: number; body: string; peerSubject: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { ca, method: 'GET' }, (response) => {
      // Read while the connection is open: the certificate the hub presented.
      const subject = (response.socket as TLSSocket).getPeerCertificate().subject.CN;
      const peerSubject = Array.isArray(subject) ? subject.join(',') : (subject ?? '');
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body, peerSubject }));
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

const noStackTrace = (text: string): void => expect(text).not.toMatch(/^\s+at /m);

beforeAll(() => {
  folder = makeTempDir('dayroom-hub-service-');
});
afterAll(() => folder.remove());

describe('the hub as a service: TLS', () => {
  it('serves HTTPS with the certificate and key it is given, from options or from HUB_TLS_CERT/HUB_TLS_KEY', async () => {
    const { cert, key } = selfSigned('hub');
    const envFile = join(folder.path, 'hub.env');
    writeFileSync(envFile, 'HUB_TRUST_PROXY=false\n', { mode: 0o600 });
    chmodSync(envFile, 0o600);
    const hub = await startHubProcess(['--tls-cert', cert, '--tls-key', key], { HUB_ENV_FILE: envFile });
    try {
      expect(hub.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const answer = await httpsGet(`${hub.url}${hubPaths.health}`, readFileSync(cert));
      expect(answer.status).toBe(200);
      expect(answer.peerSubject).toBe('127.0.0.1');
      expect(JSON.parse(answer.body)).toMatchObject({ ok: true });
    } finally {
      expect(await hub.stop()).toBe(0);
    }

    const byEnvironment = await startHubProcess([], { HUB_TLS_CERT: cert, HUB_TLS_KEY: key });
    try {
      expect(byEnvironment.url).toMatch(/^https:/);
      expect((await httpsGet(`${byEnvironment.url}${hubPaths.health}`, readFileSync(cert))).status).toBe(200);
    } finally {
      await byEnvironment.stop();
    }
  }, 180_000);

  it('refuses in words a missing certificate, a key of another certificate, a file that is no certificate, and half a configuration', async () => {
    const { cert, key } = selfSigned('right');
    const other = selfSigned('other');
    const missing = join(folder.path, 'missing.crt');

    const cases: { args: string[]; env?: Record<string, string>; says: string }[] = [
      { args: ['--tls-cert', missing, '--tls-key', key], says: `hub: --tls-cert names ${missing} as the TLS certificate, and there is no such file.` },
      {
        args: ['--tls-cert', cert, '--tls-key', folder.path],
        says: `hub: --tls-key names ${folder.path} as the TLS private key, and it is a folder, not a file.`,
      },
      {
        args: ['--tls-cert', cert, '--tls-key', other.key],
        says: `hub: ${other.key} (--tls-key) is not the private key of the certificate in ${cert} (--tls-cert, CN=127.0.0.1).`,
      },
      {
        args: ['--tls-cert', key, '--tls-key', key],
        says: `hub: ${key} (--tls-cert) is not a PEM certificate: it should begin with -----BEGIN CERTIFICATE-----.`,
      },
      { args: ['--tls-cert', cert], says: 'hub: --tls-cert (HUB_TLS_CERT) is set without --tls-key (HUB_TLS_KEY): give both, or neither for plain HTTP.' },
      {
        args: [],
        env: { HUB_TLS_KEY: key },
        says: 'hub: --tls-key (HUB_TLS_KEY) is set without --tls-cert (HUB_TLS_CERT): give both, or neither for plain HTTP.',
      },
    ];
    for (const refused of cases) {
      const result = await runHubToExit(refused.args, refused.env);
      expect(result.started, refused.says).toBe(false);
      expect(result.code, refused.says).toBe(1);
      expect(result.stderr.trim()).toBe(refused.says);
      noStackTrace(result.stderr);
    }
  }, 120_000);
});

describe('the hub as a service: its environment file', () => {
  it('refuses to start while the file named by HUB_ENV_FILE is readable by its group or others, or is missing', async () => {
    const envFile = join(folder.path, 'open.env');
    writeFileSync(envFile, 'DATABASE_URL=postgres://hub:secret@db/hub\n');
    chmodSync(envFile, 0o644);
    const open = await runHubToExit([], { HUB_ENV_FILE: envFile });
    expect(open.code).toBe(1);
    expect(open.stderr.trim()).toBe(
      `hub: ${envFile} holds the hub's database password and secrets, and its mode 0644 lets its group and everyone else read or change it. Make it private: chmod 600 ${envFile}`,
    );
    chmodSync(envFile, 0o640);
    expect((await runHubToExit([], { HUB_ENV_FILE: envFile })).stderr).toContain('its mode 0640 lets its group read or change it');
    const absent = await runHubToExit([], { HUB_ENV_FILE: join(folder.path, 'absent.env') });
    expect(absent.code).toBe(1);
    expect(absent.stderr.trim()).toBe(`hub: HUB_ENV_FILE names ${join(folder.path, 'absent.env')}, and there is no such file.`);
  }, 180_000);
});

describe('the hub as a service: a wrong DATABASE_URL', () => {
  let server: PostgresServer;
  beforeAll(async () => {
    server = await startPostgresServer();
    // Passwords are checked on TCP for every role but postgres (the test's own superuser stays trusted): pg_hba.conf
    // rewritten through the server itself, then reloaded.
    const admin = new pg.Client({ connectionString: server.url('postgres') });
    await admin.connect();
    try {
      const dataDirectory = (await admin.query<{ path: string }>('SELECT current_setting($1) AS path', ['data_directory'])).rows[0]?.path ?? '';
      await admin.query(
        `COPY (SELECT line FROM (VALUES (1, 'local all all trust'), (2, 'host all postgres 127.0.0.1/32 trust'), (3, 'host all all 127.0.0.1/32 scram-sha-256')) AS hba(n, line) ORDER BY n) TO ${pg.escapeLiteral(join(dataDirectory, 'pg_hba.conf'))}`,
      );
      await admin.query('SELECT pg_reload_conf()');
      await admin.query("CREATE ROLE dayroom_hub LOGIN PASSWORD 'right-password'");
      await admin.query('CREATE DATABASE dayroom_hub OWNER dayroom_hub');
    } finally {
      await admin.end();
    }
  }, 180_000);
  afterAll(async () => server?.stop());

  it('names what is wrong: not a URL, not PostgreSQL, nothing listening, no such database, no such role, a wrong password', async () => {
    const at = `127.0.0.1:${server.port}`;
    const cases: { url: string; says: RegExp }[] = [
      {
        url: 'hub database please',
        says: /^hub: DATABASE_URL is not a URL; it should look like postgres:\/\/dayroom_hub:<password>@db\.example:5432\/dayroom_hub\.$/,
      },
      { url: 'mysql://hub@127.0.0.1/hub', says: /^hub: DATABASE_URL begins with "mysql:", and the hub speaks only to PostgreSQL;/ },
      {
        url: 'postgres://dayroom_hub@127.0.0.1:1/dayroom_hub',
        says: /^hub: No PostgreSQL server answers at 127\.0\.0\.1:1 \(DATABASE_URL postgres:\/\/dayroom_hub@127\.0\.0\.1:1\/dayroom_hub\): is it running, and on that port\?$/,
      },
      {
        url: `postgres://dayroom_hub:right-password@${at}/no_such_db`,
        says: new RegExp(
          `^hub: PostgreSQL at ${at.replace(/\./g, '\\.')} has no database "no_such_db" \\(DATABASE_URL postgres://dayroom_hub:\\*\\*\\*@${at.replace(/\./g, '\\.')}/no_such_db\\); create it first`,
        ),
      },
      {
        url: `postgres://dayroom_hub:wrong-password@${at}/dayroom_hub`,
        says: /^hub: PostgreSQL at .* refused the password for dayroom_hub \(DATABASE_URL postgres:\/\/dayroom_hub:\*\*\*@.*\); check the password in the environment file\.$/,
      },
      { url: `postgres://nobody:whatever@${at}/dayroom_hub`, says: /^hub: PostgreSQL at .* (refused the password for nobody|does not let nobody in)/ },
    ];
    for (const wrong of cases) {
      const result = await runHubToExit([], { DATABASE_URL: wrong.url });
      expect(result.started, wrong.url).toBe(false);
      expect(result.code, wrong.url).toBe(1);
      expect(result.stderr.trim(), wrong.url).toMatch(wrong.says);
      // The password never appears, whatever went wrong.
      expect(result.stderr).not.toContain('wrong-password');
      expect(result.stderr).not.toContain('right-password');
      noStackTrace(result.stderr);
    }

    const right = await startHubProcess([], { DATABASE_URL: `postgres://dayroom_hub:right-password@${at}/dayroom_hub` });
    expect(right.output()).toContain('(PostgreSQL server)');
    expect(await right.stop()).toBe(0);
  }, 120_000);
});
