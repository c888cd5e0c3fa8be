// Secrets sealed with Electron's safeStorage (docs/security.md §3 "The device credential and enrollment", §5 "The store at rest"): the OS keychain, DPAPI or the Linux secret service
// holds the key; the files on disk (still 0600, still written atomically) hold only ciphertext. Two secrets are sealed,
// through the one helper below: the device's hub credential, and the key the device store is encrypted with (issue 14
// item 9). Where safeStorage has no real backend — unavailable, or 'basic_text' on Linux, which "encrypts" with a key
// compiled into Chromium — sealing would only pretend: the credential stays in the plain 0600 file vault, the store
// stays unencrypted, and both are said (the log; service mode for the store).
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StoreEncryptionOffReason } from '../contract';
import { sealedStoreKeyFileName, storeKeyBytes, type StoreKey, type StoreKeyProvider } from '../store/store-key';
import {
  credentialFileName,
  fileCredentialVault,
  parseStoredCredential,
  serializeCredential,
  type CredentialRead,
  type CredentialVault,
} from '../sync/credential';
import { removeFileDurably, writeFileAtomically } from '../../platform/atomic-write';

/** The part of Electron's `safeStorage` the vault uses; the real module fits it, and the unit tests pass a fake. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  /** Linux only in Electron; absent elsewhere, where every available backend is a real one. */
  getSelectedStorageBackend?(): string;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

export const sealedCredentialFileName = 'hub-credential.sealed';

/** Why safeStorage is not used, as the code service mode words; null when it has a real backend. */
export type SafeStorageRefusal = Extract<StoreEncryptionOffReason, 'safeStorageUnavailable' | 'safeStorageBasicText' | 'safeStorageBackendUnknown'>;

export function safeStorageRefusalCode(safeStorage: SafeStorageLike): SafeStorageRefusal | null {
  if (!safeStorage.isEncryptionAvailable()) return 'safeStorageUnavailable';
  const backend = safeStorage.getSelectedStorageBackend?.();
  if (backend === 'basic_text') return 'safeStorageBasicText';
  if (backend === 'unknown') return 'safeStorageBackendUnknown';
  return null;
}

/** Why safeStorage was not used, for the log; null when it has a real backend. */
export function safeStorageRefusal(safeStorage: SafeStorageLike): string | null {
  const code = safeStorageRefusalCode(safeStorage);
  switch (code) {
    case null:
      return null;
    case 'safeStorageUnavailable':
      return 'safeStorage reports no encryption available';
    case 'safeStorageBasicText':
      return "safeStorage's Linux backend is basic_text (a key built into Chromium: no protection)";
    case 'safeStorageBackendUnknown':
      return "safeStorage's Linux backend is not known yet (call after app ready)";
    default: {
      const unreachable: never = code;
      return unreachable;
    }
  }
}

type Unsealed = { kind: 'none' } | { kind: 'unsealed'; text: string } | { kind: 'unreadable'; problem: string };

interface SealedFile {
  read(): Unsealed;
  write(text: string): void;
  erase(): void;
}

/** One sealed file in the data folder: the one place that reads, unseals, seals and writes them. */
function sealedFile(dataDir: string, name: string, safeStorage: SafeStorageLike): SealedFile {
  return {
    read(): Unsealed {
      let sealed: Buffer;
      try {
        sealed = readFileSync(join(dataDir, name));
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        return code === 'ENOENT' ? { kind: 'none' } : { kind: 'unreadable', problem: `cannot be read (${code ?? 'error'})` };
      }
      try {
        return { kind: 'unsealed', text: safeStorage.decryptString(sealed) };
      } catch {
        // Another user's or another machine's key (a copied disk).
        return { kind: 'unreadable', problem: 'cannot be unsealed with this machine’s key' };
      }
    },
    write(text: string): void {
      writeFileAtomically(dataDir, name, safeStorage.encryptString(text));
    },
    erase(): void {
      removeFileDurably(dataDir, name);
    },
  };
}

export function safeStorageCredentialVault(dataDir: string, safeStorage: SafeStorageLike): CredentialVault {
  const plainFile = fileCredentialVault(dataDir);
  const sealed = sealedFile(dataDir, sealedCredentialFileName, safeStorage);
  const vault: CredentialVault = {
    kind: 'safeStorage',
    read(): CredentialRead {
      const read = sealed.read();
      switch (read.kind) {
        case 'unreadable':
          // The credential is gone for this device.
          return read;
        case 'none': {
          // Enrolled before the key store existed (or before this shell used it): seal the plain file once, then remove it.
          const plain = plainFile.read();
          if (plain.kind === 'found') {
            vault.write(plain.credential);
            plainFile.erase();
          }
          return plain;
        }
        case 'unsealed': {
          const parsed = parseStoredCredential(read.text);
          return parsed.ok ? { kind: 'found', credential: parsed.credential, permissionsTightened: false } : { kind: 'unreadable', problem: parsed.problem };
        }
        default: {
          const unreachable: never = read;
          return unreachable;
        }
      }
    },
    write(credential) {
      sealed.write(serializeCredential(credential));
    },
    erase() {
      sealed.erase();
      // Never leave a plain copy behind a wipe.
      removeFileDurably(dataDir, credentialFileName);
    },
  };
  return vault;
}

/** The sealed store key's text: versioned, so a wrong keychain's garbage (which decrypts to noise) is told from a key. */
const storeKeyPattern = /^\{"v":1,"storeKey":"([0-9a-f]{64})"\}$/;

/**
 * The store key sealed with safeStorage, in the data folder (store-key.sealed): made on first start (random, 32 bytes),
 * unsealed at every start after. Only given a safeStorage with a real backend (chooseStoreKey).
 */
export function safeStorageStoreKey(dataDir: string, safeStorage: SafeStorageLike, random: (bytes: number) => Buffer = randomBytes): StoreKeyProvider {
  const sealed = sealedFile(dataDir, sealedStoreKeyFileName, safeStorage);
  return {
    storeKey({ create }): StoreKey {
      const read = sealed.read();
      switch (read.kind) {
        case 'unreadable':
          return { unavailable: 'keyUnreadable' };
        case 'unsealed': {
          const hex = storeKeyPattern.exec(read.text)?.[1];
          return hex === undefined ? { unavailable: 'keyUnreadable' } : { key: Buffer.from(hex, 'hex') };
        }
        case 'none': {
          if (!create) return { unavailable: 'keyMissing' };
          const key = random(storeKeyBytes);
          // Sealed and on disk before the store is encrypted with it: a store is never encrypted with a key not kept.
          sealed.write(JSON.stringify({ v: 1, storeKey: key.toString('hex') }));
          return { key };
        }
        default: {
          const unreachable: never = read;
          return unreachable;
        }
      }
    },
  };
}

/** The store key the Electron shell gives the runtime: sealed where safeStorage has a real backend, otherwise none, with why. */
export function chooseStoreKey(dataDir: string, safeStorage: SafeStorageLike): StoreKeyProvider {
  const refusal = safeStorageRefusalCode(safeStorage);
  return refusal === null ? safeStorageStoreKey(dataDir, safeStorage) : { storeKey: () => ({ unavailable: refusal }) };
}

/** The vault the Electron shell gives the runtime: sealed where safeStorage has a real backend, otherwise the 0600 file. */
export function chooseCredentialVault(dataDir: string, safeStorage: SafeStorageLike): { vault: CredentialVault; refusal: string | null } {
  const refusal = safeStorageRefusal(safeStorage);
  return refusal === null ? { vault: safeStorageCredentialVault(dataDir, safeStorage), refusal: null } : { vault: fileCredentialVault(dataDir), refusal };
}
