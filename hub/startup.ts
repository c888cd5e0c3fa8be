// What the hub checks before it serves anything, when it runs as a service: the environment file that holds its
// secrets is private, its TLS certificate and key are readable and belong together, and DATABASE_URL reaches a
// PostgreSQL server that lets it in. Each expected failure is a StartRefusal: one sentence naming what is wrong and
// what to do, printed without a stack trace, and the hub exits non-zero before it listens.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import pg from 'pg';

export class StartRefusal extends Error {
  override readonly name = 'StartRefusal';
}

function nodeErrorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') return error.code;
  return undefined;
}

/**
 * The file systemd read DATABASE_URL and the secrets from (EnvironmentFile=), named by HUB_ENV_FILE. systemd reads it
 * as root and the hub never parses it; the hub only refuses to run while anyone but the file's owner may read it, so
 * a copy made with the wrong mode is found on the first start rather than in an audit.
 */
export function checkEnvironmentFileIsPrivate(path: string): void {
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch (error) {
    const code = nodeErrorCode(error);
    throw new StartRefusal(
      code === 'ENOENT'
        ? `HUB_ENV_FILE names ${path}, and there is no such file.`
        : `HUB_ENV_FILE names ${path}, and the hub cannot look at it (${code ?? 'unknown error'}).`,
    );
  }
  const openTo = mode & 0o077;
  if (openTo !== 0) {
    throw new StartRefusal(
      `${path} holds the hub's database password and secrets, and its mode ${(mode & 0o777).toString(8).padStart(4, '0')} lets ${
        (openTo & 0o070) !== 0 && (openTo & 0o007) !== 0 ? 'its group and everyone else' : (openTo & 0o070) !== 0 ? 'its group' : 'everyone else'
      } read or change it. Make it private: chmod 600 ${path}`,
    );
  }
}

export interface TlsFiles {
  readonly cert: Buffer;
  readonly key: Buffer;
}

function readNamedFile(path: string, what: string, option: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = nodeErrorCode(error);
    const why =
      code === 'ENOENT'
        ? 'there is no such file'
        : code === 'EACCES'
          ? 'the hub may not read it (check its owner and mode)'
          : code === 'EISDIR'
            ? 'it is a folder, not a file'
            : `it cannot be read (${code ?? 'unknown error'})`;
    throw new StartRefusal(`${option} names ${path} as the ${what}, and ${why}.`);
  }
}

/** Reads the certificate (PEM, the chain may follow) and its private key, and proves they belong together. */
export function loadTlsFiles(certPath: string, keyPath: string): TlsFiles {
  const cert = readNamedFile(certPath, 'TLS certificate', '--tls-cert');
  const key = readNamedFile(keyPath, 'TLS private key', '--tls-key');
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(cert);
  } catch {
    throw new StartRefusal(`${certPath} (--tls-cert) is not a PEM certificate: it should begin with -----BEGIN CERTIFICATE-----.`);
  }
  let privateKey: ReturnType<typeof createPrivateKey>;
  try {
    privateKey = createPrivateKey(key);
  } catch {
    throw new StartRefusal(`${keyPath} (--tls-key) is not an unencrypted PEM private key: it should begin with -----BEGIN PRIVATE KEY-----.`);
  }
  if (!certificate.checkPrivateKey(privateKey)) {
    throw new StartRefusal(`${keyPath} (--tls-key) is not the private key of the certificate in ${certPath} (--tls-cert, ${certificate.subject}).`);
  }
  return { cert, key };
}

/** The URL with its password replaced, for messages: a refusal is printed and logged, the password never is. */
export function redactedDatabaseUrl(url: URL): string {
  const shown = new URL(url.href);
  if (shown.password !== '') shown.password = '***';
  return shown.href;
}

/** DATABASE_URL as a URL the hub can use, or a refusal saying what it should look like. */
export function parseDatabaseUrl(text: string): URL {
  const example = 'postgres://dayroom_hub:<password>@db.example:5432/dayroom_hub';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new StartRefusal(`DATABASE_URL is not a URL; it should look like ${example}.`);
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')
    throw new StartRefusal(`DATABASE_URL begins with "${url.protocol}", and the hub speaks only to PostgreSQL; it should look like ${example}.`);
  if (url.hostname === '' && !url.searchParams.has('host')) throw new StartRefusal(`DATABASE_URL names no server; it should look like ${example}.`);
  if (url.pathname.replace(/^\//, '') === '') throw new StartRefusal(`DATABASE_URL names no database; it should look like ${example}.`);
  return url;
}

/** How long the first connection may take before the hub says it cannot reach the server. */
export const databaseConnectTimeoutMs = 10_000;

/**
 * Connects once to DATABASE_URL and says, in words, why that fails: the server is not there, refuses the password,
 * knows no such role or database, or does not allow this client. Anything else is passed on as it is.
 */
export async function checkDatabaseReachable(text: string): Promise<void> {
  const url = parseDatabaseUrl(text);
  const shown = redactedDatabaseUrl(url);
  const user = decodeURIComponent(url.username) || 'the default user';
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  const where = `${url.hostname || url.searchParams.get('host') || ''}${url.port === '' ? '' : `:${url.port}`}`;
  const client = new pg.Client({ connectionString: url.href, connectionTimeoutMillis: databaseConnectTimeoutMs });
  // A server that drops the connection after the failure emits 'error' on the client as well; the failed connect says it.
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    const code = nodeErrorCode(error);
    const message = error instanceof Error ? error.message : String(error);
    switch (code) {
      case 'ECONNREFUSED':
        throw new StartRefusal(`No PostgreSQL server answers at ${where} (DATABASE_URL ${shown}): is it running, and on that port?`);
      case 'ENOTFOUND':
      case 'EAI_AGAIN':
        throw new StartRefusal(`The server name in DATABASE_URL (${url.hostname}) cannot be found; check the spelling or use its address.`);
      case 'EHOSTUNREACH':
      case 'ENETUNREACH':
      case 'ETIMEDOUT':
        throw new StartRefusal(`The PostgreSQL server at ${where} (DATABASE_URL ${shown}) cannot be reached from here: check the address and the firewall.`);
      case '28P01':
        throw new StartRefusal(`PostgreSQL at ${where} refused the password for ${user} (DATABASE_URL ${shown}); check the password in the environment file.`);
      case '28000':
        throw new StartRefusal(
          `PostgreSQL at ${where} does not let ${user} in (DATABASE_URL ${shown}): ${message}. Create the role, or allow it in pg_hba.conf.`,
        );
      case '3D000':
        throw new StartRefusal(`PostgreSQL at ${where} has no database "${database}" (DATABASE_URL ${shown}); create it first (docs/deployment-hub.md).`);
      default:
        break;
    }
    if (/timeout/i.test(message))
      throw new StartRefusal(
        `The PostgreSQL server at ${where} (DATABASE_URL ${shown}) did not answer within ${databaseConnectTimeoutMs / 1000} seconds: check the address and the firewall.`,
      );
    throw error;
  } finally {
    await client.end().catch(() => undefined);
  }
}
