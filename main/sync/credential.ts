// The device's hub credential — its id, its bearer secret and the hub's address — behind a CredentialVault. The file
// vault here keeps it in a file only the app's user can read (mode 0600), written atomically under the data folder;
// the Electron shell injects a vault sealed with safeStorage where a real backend exists (main/electron/
// safe-storage-vault.ts, docs/security.md §3 "The device credential and enrollment"). The runtime itself stays plain Node. Enrollment trades a one-time code for it.
import { chmodSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { DeviceKind, EnrollRequest, Id } from '../../hub/protocol';
import type { EnrollmentErrorCode } from '../contract';
import { removeFileDurably, writeFileAtomically } from '../../platform/atomic-write';
import { createHubClient } from './hub-client';

export const credentialFileName = 'hub-credential.json';

const StoredCredential = z
  .object({
    format: z.literal(1),
    deviceId: Id,
    secret: z.string().min(32),
    hubUrl: z.string().url(),
    siteId: Id,
    siteName: z.string(),
    kind: DeviceKind,
    housingUnitId: Id.nullable(),
    enrolledAt: z.number().int().nonnegative(),
  })
  .strict();
export type DeviceCredential = Omit<z.infer<typeof StoredCredential>, 'format'>;

export type CredentialRead =
  | { readonly kind: 'none' }
  | { readonly kind: 'found'; readonly credential: DeviceCredential; readonly permissionsTightened: boolean }
  | { readonly kind: 'unreadable'; readonly problem: string };

export function credentialPath(dataDir: string): string {
  return join(dataDir, credentialFileName);
}

export function readDeviceCredential(dataDir: string): CredentialRead {
  const file = credentialPath(dataDir);
  let text: string;
  let permissionsTightened = false;
  try {
    const mode = statSync(file).mode & 0o777;
    // Someone widened it (a copy, a restore from backup): close it again before reading the secret out.
    if ((mode & 0o077) !== 0) {
      chmodSync(file, 0o600);
      permissionsTightened = true;
    }
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? { kind: 'none' } : { kind: 'unreadable', problem: `cannot be read (${code ?? 'error'})` };
  }
  const parsed = parseStoredCredential(text);
  return parsed.ok ? { kind: 'found', credential: parsed.credential, permissionsTightened } : { kind: 'unreadable', problem: parsed.problem };
}

/** The stored form of a credential, the same in every vault (the safeStorage vault seals exactly this text). */
export function serializeCredential(credential: DeviceCredential): string {
  return `${JSON.stringify({ format: 1, ...credential } satisfies z.infer<typeof StoredCredential>)}\n`;
}

export function parseStoredCredential(text: string): { ok: true; credential: DeviceCredential } | { ok: false; problem: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'is not JSON' };
  }
  const parsed = StoredCredential.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    return { ok: false, problem: `does not hold a credential (${first ? `${first.path.join('.')}: ${first.code}` : 'invalid'})` };
  }
  const { format: _format, ...credential } = parsed.data;
  return { ok: true, credential };
}

export function writeDeviceCredential(dataDir: string, credential: DeviceCredential): void {
  writeFileAtomically(dataDir, credentialFileName, serializeCredential(credential));
}

/**
 * Where the device keeps its hub credential. The shell chooses one (Electron: safeStorage where a real backend exists;
 * otherwise, and in the web host, the 0600 file) and hands it to the runtime, which never knows which it has.
 */
export interface CredentialVault {
  /** For logs and service mode: where the secret is kept, never the secret. */
  readonly kind: 'file' | 'safeStorage';
  read(): CredentialRead;
  /** Replaces the stored credential atomically: after a power cut the old one or the new one is there, never half. */
  write(credential: DeviceCredential): void;
  /** Forgets the credential durably (wipe); nothing stored is not an error. */
  erase(): void;
}

/** The credential in `<dataDir>/hub-credential.json`, mode 0600. */
export function fileCredentialVault(dataDir: string): CredentialVault {
  return {
    kind: 'file',
    read: () => readDeviceCredential(dataDir),
    write: (credential) => writeDeviceCredential(dataDir, credential),
    erase: () => {
      mkdirSync(dataDir, { recursive: true });
      removeFileDurably(dataDir, credentialFileName);
    },
  };
}

const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * A hub address the device will send its secret to: HTTPS, or plain HTTP only on this machine's loopback
 * (development, the demo and tests). No user name or password in it, no query, no fragment.
 */
export function checkHubUrl(text: string): { ok: true; url: string } | { ok: false; problem: string } {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return { ok: false, problem: 'is not a web address' };
  }
  if (url.username || url.password) return { ok: false, problem: 'must not contain a user name or password' };
  if (url.search || url.hash) return { ok: false, problem: 'must not contain a query or a fragment' };
  const loopback = loopbackHosts.has(url.hostname) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(url.hostname);
  if (url.protocol === 'https:' || (url.protocol === 'http:' && loopback)) return { ok: true, url: url.href };
  return { ok: false, problem: url.protocol === 'http:' ? 'must use https (plain http only on this machine)' : 'must start with https://' };
}

/** The contract's list: the screens translate each code, the message below is for logs and scripts. */
export type EnrollErrorCode = EnrollmentErrorCode;

export type EnrollOutcome =
  | { readonly ok: true; readonly credential: DeviceCredential }
  | { readonly ok: false; readonly error: { readonly code: EnrollErrorCode; readonly message: string } };

export interface EnrollDeviceOptions {
  /** Where the credential goes when `vault` is not given: the file vault in this folder. */
  readonly dataDir: string;
  readonly vault?: CredentialVault;
  readonly hubUrl: string;
  /** As staff typed it; spaces and lower case are forgiven. */
  readonly code: string;
  readonly deviceName: string;
  readonly appVersion: string;
  readonly now?: () => number;
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
  /**
   * The credential this device holds now, if any. Sent (as the bearer token) only to the hub that issued it, so the
   * hub revokes it as it issues the new one: an old credential must not keep working after a re-enroll. A different
   * hub never sees it.
   */
  readonly previous?: DeviceCredential | null;
}

/** Asks the hub for a credential with a one-time code and stores it. Every failure comes back in words for staff. */
export async function enrollDevice(options: EnrollDeviceOptions): Promise<EnrollOutcome> {
  const fail = (code: EnrollErrorCode, message: string): EnrollOutcome => ({ ok: false, error: { code, message } });
  const hub = checkHubUrl(options.hubUrl);
  if (!hub.ok) return fail('badHubUrl', `The hub address ${hub.problem}.`);
  const request = EnrollRequest.safeParse({
    code: options.code.replace(/\s+/g, '').toUpperCase(),
    deviceName: options.deviceName,
    appVersion: options.appVersion,
  });
  if (!request.success) {
    return request.error.issues.some((issue) => issue.path[0] === 'code')
      ? fail('badCode', 'That is not an enrollment code: it looks like ABCD-2345.')
      : fail('badCode', 'The device name or version cannot be sent to the hub.');
  }

  const previous = options.previous ?? null;
  const sameHub = previous !== null && checkHubUrl(previous.hubUrl).ok && new URL(previous.hubUrl).href === hub.url;
  const client = createHubClient({
    hubUrl: hub.url,
    ...(sameHub ? { secret: previous.secret } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const answer = await client.enroll(request.data);
  if (!answer.ok) {
    const { failure } = answer;
    switch (failure.kind) {
      case 'network':
        return failure.cause === 'tls'
          ? fail('tlsProblem', 'The hub at that address did not prove who it is: its certificate is not trusted by this device.')
          : fail('hubUnreachable', 'The hub could not be reached at that address.');
      case 'aborted':
        return fail('hubUnreachable', 'The hub could not be reached at that address.');
      case 'timeout':
        return fail('hubUnreachable', 'The hub did not answer in time.');
      case 'invalidResponse':
        return fail('notAHub', 'Something answered at that address, but not a Dayroom hub.');
      case 'http':
        // A redirect (followed for no one: the secret goes to the typed address or nowhere), or a page that is not the
        // hub's error shape at the enroll path: the address is not a hub's.
        if ((failure.status >= 300 && failure.status < 400) || (failure.code === null && (failure.status === 404 || failure.status === 405))) {
          return fail('notAHub', 'Something answered at that address, but not a Dayroom hub.');
        }
        switch (failure.code) {
          case 'enrollmentCodeInvalid':
            return fail('badCode', 'The hub does not know that code. Check it and try again.');
          case 'enrollmentCodeExpired':
            return fail('codeExpired', 'That code has expired. Ask for a new one at the hub.');
          case 'enrollmentCodeUsed':
            return fail('codeUsed', 'That code has already been used. Ask for a new one at the hub.');
          case 'rateLimited':
            return fail('hubRefused', 'Too many tries. Wait a minute and try again.');
          default:
            return fail('hubRefused', `The hub refused the enrollment (HTTP ${failure.status}${failure.code ? ` ${failure.code}` : ''}).`);
        }
      default: {
        const unreachable: never = failure;
        return unreachable;
      }
    }
  }

  const enrolled = answer.value;
  const credential: DeviceCredential = {
    deviceId: enrolled.deviceId,
    secret: enrolled.secret,
    hubUrl: hub.url,
    siteId: enrolled.siteId,
    siteName: enrolled.siteName,
    kind: enrolled.kind,
    housingUnitId: enrolled.housingUnitId,
    enrolledAt: (options.now ?? Date.now)(),
  };
  try {
    (options.vault ?? fileCredentialVault(options.dataDir)).write(credential);
  } catch (error) {
    return fail('saveFailed', `The hub enrolled this device, but the credential could not be saved (${(error as NodeJS.ErrnoException).code ?? 'error'}).`);
  }
  return { ok: true, credential };
}
