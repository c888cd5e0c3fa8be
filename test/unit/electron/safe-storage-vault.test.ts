// The credential vaults (the 0600 file, and the safeStorage-sealed file the Electron shell uses only where a real
// backend exists) and the store key sealed the same way. safeStorage is a fake with Electron's shape: it "encrypts" by XOR with a per-fake key, so the test
// can see the file holds no plain secret and that another machine's key cannot open it.
import { describe, expect, it, afterEach } from 'vitest';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  chooseCredentialVault,
  chooseStoreKey,
  safeStorageCredentialVault,
  safeStorageStoreKey,
  sealedCredentialFileName,
  type SafeStorageLike,
} from '../../../main/electron/safe-storage-vault';
import { openDeviceStore } from '../../../main/store/database';
import { storeFileState } from '../../../main/store/store-encryption';
import { sealedStoreKeyFileName } from '../../../main/store/store-key';
import { credentialFileName, fileCredentialVault, writeDeviceCredential, type DeviceCredential } from '../../../main/sync/credential';
import { makeTempDir } from '../../support/temp-dir';

const credential: DeviceCredential = {
  deviceId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
  secret: 's3cret-'.repeat(8),
  hubUrl: 'https://hub.riverbend.example/',
  siteId: 'site-1',
  siteName: 'Riverbend',
  kind: 'tablet',
  housingUnitId: null,
  enrolledAt: 1_000,
};

function fakeSafeStorage(options: { available?: boolean; backend?: string; key?: number } = {}): SafeStorageLike & { sealed: number } {
  const key = options.key ?? 0x5a;
  const fake = {
    sealed: 0,
    isEncryptionAvailable: () => options.available ?? true,
    ...(options.backend === undefined ? {} : { getSelectedStorageBackend: () => options.backend as string }),
    encryptString(plain: string): Buffer {
      fake.sealed += 1;
      return Buffer.concat([Buffer.from('v10'), Buffer.from(plain, 'utf8').map((byte) => byte ^ key)]);
    },
    decryptString(sealed: Buffer): string {
      if (sealed.subarray(0, 3).toString() !== 'v10') throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
      const plain = Buffer.from(sealed.subarray(3).map((byte) => byte ^ key)).toString('utf8');
      // A wrong key yields garbage, as the real one does; the caller's parse must catch it.
      return plain;
    },
  };
  return fake;
}

const dirs: ReturnType<typeof makeTempDir>[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => dir.remove()));
const tempDir = () => {
  const dir = makeTempDir();
  dirs.push(dir);
  return dir.path;
};

describe('choosing the vault', () => {
  it.each([
    ['no encryption available', { available: false }],
    ["Linux's basic_text backend (a key built into Chromium)", { backend: 'basic_text' }],
    ['a backend not known yet', { backend: 'unknown' }],
  ])('refuses safeStorage with %s, and keeps the 0600 file', (_why, fake) => {
    const dataDir = tempDir();
    const chosen = chooseCredentialVault(dataDir, fakeSafeStorage(fake));
    expect(chosen.vault.kind).toBe('file');
    expect(chosen.refusal).toMatch(/safeStorage/);
    chosen.vault.write(credential);
    expect(statSync(join(dataDir, credentialFileName)).mode & 0o777).toBe(0o600);
    expect(existsSync(join(dataDir, sealedCredentialFileName))).toBe(false);
  });

  it.each([['gnome_libsecret'], ['kwallet5'], [undefined]])('uses safeStorage with the %s backend', (backend) => {
    const chosen = chooseCredentialVault(tempDir(), fakeSafeStorage(backend === undefined ? {} : { backend }));
    expect(chosen).toMatchObject({ refusal: null, vault: { kind: 'safeStorage' } });
  });
});

describe('the safeStorage vault', () => {
  it('seals the credential (no plain secret on disk, 0600, no temp file left) and reads it back exactly', () => {
    const dataDir = tempDir();
    const vault = safeStorageCredentialVault(dataDir, fakeSafeStorage());
    expect(vault.read()).toEqual({ kind: 'none' });
    vault.write(credential);
    const file = join(dataDir, sealedCredentialFileName);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file).includes(Buffer.from(credential.secret))).toBe(false);
    expect(readdirSync(dataDir)).toEqual([sealedCredentialFileName]);
    expect(vault.read()).toEqual({ kind: 'found', credential, permissionsTightened: false });
  });

  it("cannot be opened with another machine's key: unreadable, in words, never a throw", () => {
    const dataDir = tempDir();
    safeStorageCredentialVault(dataDir, fakeSafeStorage({ key: 1 })).write(credential);
    expect(safeStorageCredentialVault(dataDir, fakeSafeStorage({ key: 2 })).read()).toMatchObject({ kind: 'unreadable' });
    writeFileSync(join(dataDir, sealedCredentialFileName), 'garbage');
    expect(safeStorageCredentialVault(dataDir, fakeSafeStorage({ key: 2 })).read()).toEqual({
      kind: 'unreadable',
      problem: 'cannot be unsealed with this machine’s key',
    });
  });

  it('seals a credential enrolled before it existed, and removes the plain file', () => {
    const dataDir = tempDir();
    writeDeviceCredential(dataDir, credential);
    const safeStorage = fakeSafeStorage();
    const vault = safeStorageCredentialVault(dataDir, safeStorage);
    expect(vault.read()).toMatchObject({ kind: 'found', credential });
    expect(existsSync(join(dataDir, credentialFileName))).toBe(false);
    expect(safeStorage.sealed).toBe(1);
    expect(vault.read()).toMatchObject({ kind: 'found', credential });
  });

  it('erase leaves neither the sealed nor a plain copy', () => {
    const dataDir = tempDir();
    const vault = safeStorageCredentialVault(dataDir, fakeSafeStorage());
    vault.write(credential);
    writeDeviceCredential(dataDir, credential);
    vault.erase();
    vault.erase();
    expect(readdirSync(dataDir)).toEqual([]);
    expect(vault.read()).toEqual({ kind: 'none' });
  });
});

describe('the file vault', () => {
  it('writes 0600 atomically, reads back, and erases', () => {
    const dataDir = tempDir();
    const vault = fileCredentialVault(dataDir);
    vault.write(credential);
    vault.write({ ...credential, siteName: 'Riverbend East' });
    expect(readdirSync(dataDir)).toEqual([credentialFileName]);
    expect(statSync(join(dataDir, credentialFileName)).mode & 0o777).toBe(0o600);
    expect(vault.read()).toMatchObject({ kind: 'found', credential: { siteName: 'Riverbend East' } });
    vault.erase();
    expect(vault.read()).toEqual({ kind: 'none' });
  });
});

describe('the store key sealed with safeStorage', () => {
  const keyOf = (outcome: ReturnType<ReturnType<typeof safeStorageStoreKey>['storeKey']>): Buffer => {
    if (!('key' in outcome)) throw new Error(`no key: ${outcome.unavailable}`);
    return outcome.key;
  };

  it('makes a random 32-byte key once, seals it (0600, no key bytes on disk), and gives the same key at every start after', () => {
    const dataDir = tempDir();
    const safeStorage = fakeSafeStorage();
    const first = keyOf(safeStorageStoreKey(dataDir, safeStorage).storeKey({ create: true }));
    expect(first).toHaveLength(32);
    const file = join(dataDir, sealedStoreKeyFileName);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const sealed = readFileSync(file);
    expect(sealed.includes(Buffer.from(first.toString('hex')))).toBe(false);
    expect(sealed.includes(first)).toBe(false);
    expect(readdirSync(dataDir)).toEqual([sealedStoreKeyFileName]);
    expect(safeStorage.sealed).toBe(1);
    // A new shell (the next start) reads the same key and seals nothing new.
    expect(keyOf(safeStorageStoreKey(dataDir, safeStorage).storeKey({ create: true })).equals(first)).toBe(true);
    expect(keyOf(safeStorageStoreKey(dataDir, safeStorage).storeKey({ create: false })).equals(first)).toBe(true);
    expect(safeStorage.sealed).toBe(1);
  });

  it('two devices get different keys', () => {
    const one = keyOf(safeStorageStoreKey(tempDir(), fakeSafeStorage()).storeKey({ create: true }));
    const two = keyOf(safeStorageStoreKey(tempDir(), fakeSafeStorage()).storeKey({ create: true }));
    expect(one.equals(two)).toBe(false);
  });

  it("another machine's keychain cannot unseal it: keyUnreadable, never a throw, and the sealed file is kept", () => {
    const dataDir = tempDir();
    safeStorageStoreKey(dataDir, fakeSafeStorage({ key: 1 })).storeKey({ create: true });
    const before = readFileSync(join(dataDir, sealedStoreKeyFileName));
    expect(safeStorageStoreKey(dataDir, fakeSafeStorage({ key: 2 })).storeKey({ create: true })).toEqual({ unavailable: 'keyUnreadable' });
    writeFileSync(join(dataDir, sealedStoreKeyFileName), 'garbage');
    expect(safeStorageStoreKey(dataDir, fakeSafeStorage({ key: 1 })).storeKey({ create: true })).toEqual({ unavailable: 'keyUnreadable' });
    writeFileSync(join(dataDir, sealedStoreKeyFileName), before);
    expect(safeStorageStoreKey(dataDir, fakeSafeStorage({ key: 1 })).storeKey({ create: true })).toHaveProperty('key');
  });

  it('without `create` a missing key is keyMissing, and nothing is written', () => {
    const dataDir = tempDir();
    expect(safeStorageStoreKey(dataDir, fakeSafeStorage()).storeKey({ create: false })).toEqual({ unavailable: 'keyMissing' });
    expect(readdirSync(dataDir)).toEqual([]);
  });

  it.each([
    ['safeStorageUnavailable', { available: false }],
    ['safeStorageBasicText', { backend: 'basic_text' }],
    ['safeStorageBackendUnknown', { backend: 'unknown' }],
  ] as const)('gives no key (%s) where safeStorage has no real backend, and seals nothing', (reason, fake) => {
    const dataDir = tempDir();
    const safeStorage = fakeSafeStorage(fake);
    expect(chooseStoreKey(dataDir, safeStorage).storeKey({ create: true })).toEqual({ unavailable: reason });
    expect(safeStorage.sealed).toBe(0);
    expect(readdirSync(dataDir)).toEqual([]);
  });

  it('the chosen key encrypts a real store, which the next start opens with the key unsealed again', () => {
    const dataDir = tempDir();
    const file = join(dataDir, 'device.sqlite');
    const first = openDeviceStore(file, { storeKey: chooseStoreKey(dataDir, fakeSafeStorage({ backend: 'gnome_libsecret' })) });
    first.db.exec("CREATE TABLE note (text TEXT); INSERT INTO note VALUES ('kept')");
    first.db.close();
    expect(first.encryption).toEqual({ state: 'on' });
    expect(storeFileState(file)).toBe('encrypted');
    const second = openDeviceStore(file, { storeKey: chooseStoreKey(dataDir, fakeSafeStorage({ backend: 'gnome_libsecret' })) });
    expect(second.db.prepare('SELECT text FROM note').get()).toEqual({ text: 'kept' });
    second.db.close();
    // The same store on a machine whose keychain cannot unseal the key: a coded refusal, not a crash.
    expect(() => openDeviceStore(file, { storeKey: chooseStoreKey(dataDir, fakeSafeStorage({ key: 9 })) })).toThrow(
      expect.objectContaining({ code: 'storeKeyUnreadable' }),
    );
  });
});
