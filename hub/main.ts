// Runs the facility hub: `tsx hub/main.ts --data .hub --port 8787` (PGlite in a folder), or with DATABASE_URL set
// (a PostgreSQL server). Stops cleanly on SIGINT/SIGTERM.
import { parseArgs } from 'node:util';
import { durabilityWarnings } from './db/durability-check';
import { openHubDatabase } from './db/open';
import { createHubLogger } from './logger';
import { parseTrustProxy, startHub } from './server';
import { newAdminToken, writeConsoleConnection } from './console-connection';
import { checkDatabaseReachable, checkEnvironmentFileIsPrivate, loadTlsFiles, StartRefusal, type TlsFiles } from './startup';

const usage = `usage: tsx hub/main.ts [--data <pglite folder>] [--port 8787] [--host 127.0.0.1] [--console-file <file>] [--trust-proxy <proxies>]
                   [--tls-cert <PEM file> --tls-key <PEM file>]
  --tls-cert and --tls-key (or HUB_TLS_CERT and HUB_TLS_KEY) serve HTTPS with that certificate (its chain may follow it
    in the file) and its unencrypted private key; without them the hub serves plain HTTP, for a reverse proxy in front.
  --secure-cookies (or HUB_SECURE_COOKIES=true) marks the console's session cookie Secure behind a proxy that serves
    HTTPS; with --tls-cert it is always marked.
  HUB_ENV_FILE names the environment file DATABASE_URL and the secrets came from (systemd's EnvironmentFile=); the hub
    refuses to start while its group or anyone else may read it.
  --trust-proxy (or HUB_TRUST_PROXY) names the load balancer or reverse proxy whose X-Forwarded-For the hub believes:
    addresses or CIDR ranges separated by commas (10.0.0.0/8), or a hop count (1). Without it the client address is
    the socket's peer. The per-address throttles count by the client address, so set it behind a proxy.
  --console-file writes a connection file (mode 0600) so \`tsx hub/cli.ts <command> --hub <file>\` works against this hub.
  DATABASE_URL=postgres://… uses a PostgreSQL server instead of the PGlite folder.
  Without --data or DATABASE_URL the database lives in memory and is gone when the hub stops.`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: 'string' },
      port: { type: 'string', default: '8787' },
      host: { type: 'string', default: '127.0.0.1' },
      help: { type: 'boolean', short: 'h' },
      'console-file': { type: 'string' },
      'trust-proxy': { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'secure-cookies': { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help === true) {
    console.log(usage);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`--port must be a port number (0–65535), not "${values.port}"`);
  const envFile = process.env.HUB_ENV_FILE;
  if (envFile !== undefined && envFile !== '') checkEnvironmentFileIsPrivate(envFile);
  const tls = tlsFromOptions(values['tls-cert'] ?? process.env.HUB_TLS_CERT, values['tls-key'] ?? process.env.HUB_TLS_KEY);
  const logger = createHubLogger({ level: process.env.LOG_LEVEL ?? 'info' });
  const databaseUrl = process.env.DATABASE_URL;
  // A wrong DATABASE_URL is the commonest first-start mistake; say which part is wrong before the pool hides it.
  if (databaseUrl !== undefined && databaseUrl !== '') await checkDatabaseReachable(databaseUrl);
  const database = await openHubDatabase({
    ...(values.data === undefined ? {} : { dataDir: values.data }),
    ...(databaseUrl === undefined ? {} : { databaseUrl }),
  });
  if (database.backend === 'postgres') {
    for (const warning of await durabilityWarnings(database)) {
      logger.warn({ check: 'durability' }, warning);
      console.warn(`Warning: ${warning}`);
    }
  }
  const consoleFile = values['console-file'];
  const adminToken = consoleFile === undefined ? undefined : newAdminToken();
  const trustProxy = parseTrustProxy(values['trust-proxy'] ?? process.env.HUB_TRUST_PROXY);
  const hub = await startHub({
    database,
    port,
    host: values.host,
    logger,
    trustProxy,
    ...(adminToken === undefined ? {} : { adminToken }),
    ...(tls === undefined ? {} : { tls }),
    // Staff who reach the console over HTTPS must never send its session cookie over plain HTTP.
    console: { secureCookies: tls !== undefined || values['secure-cookies'] === true || process.env.HUB_SECURE_COOKIES === 'true' },
  });
  if (consoleFile !== undefined && adminToken !== undefined) writeConsoleConnection(consoleFile, { url: hub.url, adminToken });
  // Ready for a stop before saying it listens: whoever waits for that line (systemd, a test) may stop it at once.
  const stop = async (): Promise<void> => {
    await hub.close();
    await database.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  logger.info({ url: hub.url, backend: database.backend }, 'hub listening');
  console.log(
    `Dayroom hub listening on ${hub.url} (${database.backend === 'postgres' ? 'PostgreSQL server' : values.data === undefined ? 'in-memory PGlite' : `PGlite in ${values.data}`})`,
  );
}

/** Both files or neither: half a TLS configuration is a mistake, not a request for plain HTTP. */
function tlsFromOptions(certPath: string | undefined, keyPath: string | undefined): TlsFiles | undefined {
  const cert = certPath === '' ? undefined : certPath;
  const key = keyPath === '' ? undefined : keyPath;
  if (cert === undefined && key === undefined) return undefined;
  if (cert === undefined) throw new StartRefusal('--tls-key (HUB_TLS_KEY) is set without --tls-cert (HUB_TLS_CERT): give both, or neither for plain HTTP.');
  if (key === undefined) throw new StartRefusal('--tls-cert (HUB_TLS_CERT) is set without --tls-key (HUB_TLS_KEY): give both, or neither for plain HTTP.');
  return loadTlsFiles(cert, key);
}

main().catch((error: unknown) => {
  if (error instanceof StartRefusal) {
    // An expected mistake in the configuration: the sentence is the whole answer.
    console.error(`hub: ${error.message}`);
    process.exit(1);
  }
  console.error(`hub: ${error instanceof Error ? error.message : String(error)}`);
  console.error(usage);
  process.exit(1);
});
