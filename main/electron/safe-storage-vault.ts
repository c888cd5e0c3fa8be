// The device credential sealed with Electron's safeStorage (SECURITY.md, Data): the OS keychain, DPAPI or the Linux
// secret service holds the key; the file on disk (still 0600, still written atomically) holds only ciphertext. Where
// safeStorage has no real backend — unavailable, or 'basic_text' on Linux, which "encrypts" with a key compiled into
// Chromium — sealing would only pretend, so the shell keeps the plain 0600 file vault instead and says so in the log.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  credentialFileName,
  fileCredentialVault,
  parseStoredCredential,
  removeFileDurably,
  serializeCredential,
  writeFileAtomically,
  type CredentialRead,
  type CredentialVault,
} from '../sync/credential';

/** The part of Electron's `safeStorage` the vault uses; the real module fits it, and the unit tests pass a fake. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  /** Linux only in Electron; absent elsewhere, where every available backend is a real one. */
  getSelectedStorageBackend?(): string;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

export const sealedCredentialFileName = 'hub-credential.sealed';

/** Why safeStorage was not used, for the log; null when it has a real backend. */
export function safeStorageRefusal(safeStorage: SafeStorageLike): string | null {
  if (!safeStorage.isEncryptionAvailable()) return 'safeStorage reports no encryption available';
  const backend = safeStorage.getSelectedStorageBackend?.();
  if (backend === 'basic_text') return "safeStorage's Linux backend is basic_text (a key built into Chromium: no protection)";
  if (backend === 'unknown') return "safeStorage's Linux backend is not known yet (call after app ready)";
  return null;
}

export function safeStorageCredentialVault(dataDir: string, safeStorage: SafeStorageLike): CredentialVault {
  const plainFile = fileCredentialVault(dataDir);
  const vault: CredentialVault = {
    kind: 'safeStorage',
    read(): CredentialRead {
      let sealed: Buffer;
      try {
        sealed = readFileSync(join(dataDir, sealedCredentialFileName));
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'ENOENT') return { kind: 'unreadable', problem: `cannot be read (${code ?? 'error'})` };
        // Enrolled before the key store existed (or before this shell used it): seal the plain file once, then remove it.
        const plain = plainFile.read();
        if (plain.kind === 'found') {
          vault.write(plain.credential);
          plainFile.erase();
        }
        return plain;
      }
      let text: string;
      try {
        text = safeStorage.decryptString(sealed);
      } catch {
        // Another user's or another machine's key (a copied disk): the credential is gone for this device.
        return { kind: 'unreadable', problem: 'cannot be unsealed with this machine’s key' };
      }
      const parsed = parseStoredCredential(text);
      return parsed.ok ? { kind: 'found', credential: parsed.credential, permissionsTightened: false } : { kind: 'unreadable', problem: parsed.problem };
    },
    write(credential) {
      writeFileAtomically(dataDir, sealedCredentialFileName, safeStorage.encryptString(serializeCredential(credential)));
    },
    erase() {
      removeFileDurably(dataDir, sealedCredentialFileName);
      // Never leave a plain copy behind a wipe.
      removeFileDurably(dataDir, credentialFileName);
    },
  };
  return vault;
}

/** The vault the Electron shell gives the runtime: sealed where safeStorage has a real backend, otherwise the 0600 file. */
export function chooseCredentialVault(dataDir: string, safeStorage: SafeStorageLike): { vault: CredentialVault; refusal: string | null } {
  const refusal = safeStorageRefusal(safeStorage);
  return refusal === null ? { vault: safeStorageCredentialVault(dataDir, safeStorage), refusal: null } : { vault: fileCredentialVault(dataDir), refusal };
}
