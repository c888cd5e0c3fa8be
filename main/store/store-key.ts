// The key that encrypts the device store at rest (issue 14 item 9). The store only takes a key; where it comes from is
// the shell's business: the Electron shell seals a random key with safeStorage (main/electron/safe-storage-vault.ts), and
// plain Node (the web host, development, tests) has no OS key store at all, so its store stays unencrypted and says why.
import type { StoreEncryptionOffReason } from '../contract';

/** SQLCipher's raw key: 32 random bytes, used as the AES-256 key directly (no passphrase, so no key derivation). */
export const storeKeyBytes = 32;

/** The sealed key's file in the data folder: ciphertext only, 0600, written atomically. */
export const sealedStoreKeyFileName = 'store-key.sealed';

/** A key, or why there is none: a reason service mode words, or keyMissing (only ever answered without `create`). */
export type StoreKey = { readonly key: Buffer } | { readonly unavailable: Exclude<StoreEncryptionOffReason, 'encryptionFailed'> | 'keyMissing' };

export interface StoreKeyProvider {
  /**
   * The store's key. With `create` a missing key is made (random) and sealed first; without it (the store file is
   * already encrypted, so a new key could not open it) a missing key is `{ unavailable: 'keyMissing' }`.
   */
  storeKey(options: { create: boolean }): StoreKey;
}

/** Plain Node: nothing to seal a key with, so no key, and the store stays unencrypted. */
export const noStoreKeyProvider: StoreKeyProvider = {
  storeKey: () => ({ unavailable: 'noKeyStore' }),
};
