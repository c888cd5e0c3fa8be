// The device store encrypted at rest (issue 14 item 9), on real SQLite files: what is on the disk holds no letter and no
// PIN hash and cannot be opened without the key; an existing unencrypted store is encrypted with every row kept, and a
// power cut (a throw, then a real SIGKILL) at each step of that leaves a store that opens; a wrong or missing key is a
// coded error, not a crash.
import Database from 'better-sqlite3-multiple-ciphers';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDeviceDatabase, openDeviceStore, type DeviceDatabase } from '../../../main/store/database';
import { encryptExistingStore, storeFileState, StoreKeyError, type EncryptionStep } from '../../../main/store/store-encryption';
import { sealedStoreKeyFileName, type StoreKey, type StoreKeyProvider } from '../../../main/store/store-key';
import { seedDemoResidents } from '../../../scripts/demo-data';
import { finishPendingWipe, markWipePending } from '../../../main/device-wipe';
import { fileCredentialVault } from '../../../main/sync/credential';
import { killAtStep } from '../../support/kill-at-step';
import { makeTempDir } from '../../support/temp-dir';

const letter = 'Dear Marcus, the hearing moved to Thursday at nine. Love, Aunt Rosalind';
const key = Buffer.from('5f'.repeat(32), 'hex');
const withKey = (given: Buffer = key): StoreKeyProvider => ({ storeKey: () => ({ key: given }) });
const without = (outcome: StoreKey): StoreKeyProvider => ({ storeKey: () => outcome });
const steps: readonly EncryptionStep[] = ['copied', 'encrypted', 'linked', 'replaced', 'scrubbed'];

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});
function storeFile(): string {
  const temp = makeTempDir();
  cleanups.push(temp.remove);
  return join(temp.path, 'data', 'device.sqlite');
}

/** People with PIN hashes (the demo residents) and a letter, written through the store as sync would. */
async function seed(file: string, provider?: StoreKeyProvider): Promise<{ pinHash: string }> {
  if (provider === undefined) await seedDemoResidents(file);
  const db = openDeviceDatabase(file, provider === undefined ? {} : { storeKey: provider });
  try {
    if (provider !== undefined) {
      db.prepare(
        `INSERT INTO residents (resident_id, credential_id, display_name, pin_hash, housing_unit, language, updated_at)
        VALUES ('r-1', 'c-1', 'Marcus Lee', 'scrypt$16384$8$1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2g', 'B', 'en', 1)`,
      ).run();
    }
    db.prepare(
      `INSERT INTO messages (message_id, resident_id, contact_id, direction, body, written_at, received_at, status, status_changed_at,
        carries_return_stamp, return_stamp_used, stamps_charged, stamps_returned, version)
      VALUES ('m-1', (SELECT resident_id FROM residents LIMIT 1), 'k-1', 'inbound', ?, 1, 1, 'delivered', 1, 0, 0, 0, 0, 1)`,
    ).run(letter);
    const { pin_hash: pinHash } = db.prepare('SELECT pin_hash FROM residents LIMIT 1').get() as { pin_hash: string };
    return { pinHash };
  } finally {
    db.close();
  }
}

/** Every table's row count (FTS shadow tables included): what a migration must keep. */
function rowCounts(db: DeviceDatabase): Record<string, number> {
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[];
  return Object.fromEntries(tables.map(({ name }) => [name, (db.prepare(`SELECT count(*) AS n FROM "${name}"`).get() as { n: number }).n]));
}

function plainRowCounts(file: string): Record<string, number> {
  const db = openDeviceDatabase(file);
  try {
    return rowCounts(db);
  } finally {
    db.close();
  }
}

/** The store's bytes as the disk holds them, its WAL included, as someone with the tablet's disk would read them. */
function bytesOnDisk(file: string): Buffer {
  return Buffer.concat([file, `${file}-wal`].filter((path) => existsSync(path)).map((path) => readFileSync(path)));
}

function expectUnreadableWithoutKey(file: string): void {
  const plain = new Database(file);
  try {
    expect(() => plain.prepare('SELECT count(*) FROM sqlite_master').get()).toThrow(expect.objectContaining({ code: 'SQLITE_NOTADB' }));
  } finally {
    plain.close();
  }
}

function expectNoLeftovers(file: string): void {
  expect(readdirSync(join(file, '..')).filter((name) => name.includes('.encrypting') || name.includes('.plaintext'))).toEqual([]);
}

describe('the device store encrypted at rest', () => {
  it('a new store with a key is encrypted: no letter or PIN hash on the disk, and SQLite without the key cannot read it', async () => {
    const file = storeFile();
    const { pinHash } = await seed(file, withKey());
    const disk = bytesOnDisk(file);
    expect(disk.length).toBeGreaterThan(4096);
    expect(disk.includes(letter.slice(0, 24))).toBe(false);
    expect(disk.includes(pinHash.slice(0, 20))).toBe(false);
    expect(disk.includes('SQLite format 3')).toBe(false);
    expect(storeFileState(file)).toBe('encrypted');
    expectUnreadableWithoutKey(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('the control: the same data without a key is on the disk in the clear (so the check above can fail)', async () => {
    const file = storeFile();
    const { pinHash } = await seed(file);
    const disk = bytesOnDisk(file);
    expect(disk.includes(letter.slice(0, 24))).toBe(true);
    expect(disk.includes(pinHash.slice(0, 20))).toBe(true);
  });

  it('round trip: reopened with the key, everything reads back and the file checks whole', async () => {
    const file = storeFile();
    await seed(file, withKey());
    const store = openDeviceStore(file, { storeKey: withKey() });
    try {
      expect(store.encryption).toEqual({ state: 'on' });
      expect(store.db.prepare("SELECT body FROM messages WHERE message_id = 'm-1'").get()).toEqual({ body: letter });
      expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      store.db.close();
    }
  });

  it('encrypts an existing unencrypted store at the first start with a key, keeping every table and row', async () => {
    const file = storeFile();
    const { pinHash } = await seed(file);
    const before = plainRowCounts(file);
    expect(before.messages).toBe(1);
    expect(before.residents).toBeGreaterThan(0);
    let told = 0;
    const store = openDeviceStore(file, { storeKey: withKey(), onEncrypted: () => (told += 1) });
    try {
      expect(store.encryption).toEqual({ state: 'on' });
      expect(told).toBe(1);
      expect(rowCounts(store.db)).toEqual(before);
      expect(store.db.pragma('user_version', { simple: true })).toBe(openDeviceDatabase(':memory:').pragma('user_version', { simple: true }));
    } finally {
      store.db.close();
    }
    const disk = bytesOnDisk(file);
    expect(disk.includes(letter.slice(0, 24))).toBe(false);
    expect(disk.includes(pinHash.slice(0, 20))).toBe(false);
    expectUnreadableWithoutKey(file);
    expectNoLeftovers(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // And only once: the next start opens it as it is.
    const again = openDeviceStore(file, { storeKey: withKey(), onEncrypted: () => (told += 1) });
    again.db.close();
    expect(told).toBe(1);
  });

  it.each(steps)('an encryption stopped after "%s" (a throw) leaves a store that opens with every row', async (step) => {
    const file = storeFile();
    await seed(file);
    const before = plainRowCounts(file);
    const stopAt = (reached: EncryptionStep): void => {
      if (reached === step) throw new Error(`power cut after ${reached}`);
    };
    expect(() => encryptExistingStore(file, key, { onStep: stopAt })).toThrow(`power cut after ${step}`);
    // Before the rename the store is still the old one, readable as it was; from the rename on it is the new one.
    expect(storeFileState(file)).toBe(steps.indexOf(step) < steps.indexOf('replaced') ? 'plain' : 'encrypted');
    const store = openDeviceStore(file, { storeKey: withKey() });
    try {
      expect(store.encryption).toEqual({ state: 'on' });
      expect(rowCounts(store.db)).toEqual(before);
    } finally {
      store.db.close();
    }
    expectNoLeftovers(file);
    expectUnreadableWithoutKey(file);
  });

  it('an encryption that fails at start (here: another connection keeps the WAL) leaves the store readable as it was, says so, and succeeds at the next start', async () => {
    const file = storeFile();
    await seed(file);
    const before = plainRowCounts(file);
    const holder = openDeviceDatabase(file);
    holder.pragma('wal_autocheckpoint = 0');
    holder.prepare("UPDATE messages SET read_at = 2 WHERE message_id = 'm-1'").run();
    const failures: unknown[] = [];
    const store = openDeviceStore(file, { storeKey: withKey(), onEncryptionFailed: (error) => failures.push(error) });
    try {
      expect(store.encryption).toEqual({ state: 'off', reason: 'encryptionFailed' });
      expect(failures).toHaveLength(1);
      expect(rowCounts(store.db)).toEqual(before);
      expect(store.db.prepare("SELECT read_at FROM messages WHERE message_id = 'm-1'").get()).toEqual({ read_at: 2 });
    } finally {
      store.db.close();
      holder.close();
    }
    expectNoLeftovers(file);
    const next = openDeviceStore(file, { storeKey: withKey() });
    try {
      expect(next.encryption).toEqual({ state: 'on' });
      expect(next.db.prepare("SELECT read_at FROM messages WHERE message_id = 'm-1'").get()).toEqual({ read_at: 2 });
    } finally {
      next.db.close();
    }
  });

  it.each(steps)(
    'an encryption SIGKILLed after "%s" leaves a store that opens with every row',
    async (step) => {
      const file = storeFile();
      const { pinHash } = await seed(file);
      const before = plainRowCounts(file);
      await killAtStep('test/support/encrypt-child.ts', [file, key.toString('hex'), step], step);

      const store = openDeviceStore(file, { storeKey: withKey() });
      try {
        expect(rowCounts(store.db)).toEqual(before);
      } finally {
        store.db.close();
      }
      expectNoLeftovers(file);
      // Whatever the cut left, nothing readable is left of the old store under any name in the folder.
      for (const name of readdirSync(join(file, '..'))) expect(readFileSync(join(file, '..', name)).includes(pinHash.slice(0, 20)), name).toBe(false);
    },
    120_000,
  );

  it('a wrong key is a coded error with a sentence, and the store is left as it was', async () => {
    const file = storeFile();
    await seed(file, withKey());
    const before = readFileSync(file);
    let error: unknown = null;
    try {
      openDeviceStore(file, { storeKey: withKey(Buffer.alloc(32, 1)) });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(StoreKeyError);
    expect(error).toMatchObject({ code: 'storeKeyWrong', message: expect.stringMatching(/key other than the one this device holds/) });
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('an encrypted store with no key (plain Node, or no sealed key file) is storeKeyMissing; an unsealable key is storeKeyUnreadable', async () => {
    const file = storeFile();
    await seed(file, withKey());
    expect(() => openDeviceStore(file)).toThrow(expect.objectContaining({ code: 'storeKeyMissing', message: expect.stringMatching(/noKeyStore/) }));
    expect(() => openDeviceStore(file, { storeKey: without({ unavailable: 'keyMissing' }) })).toThrow(expect.objectContaining({ code: 'storeKeyMissing' }));
    expect(() => openDeviceStore(file, { storeKey: without({ unavailable: 'keyUnreadable' }) })).toThrow(
      expect.objectContaining({ code: 'storeKeyUnreadable' }),
    );
  });

  it('asks for a new key only when the store is not encrypted yet', async () => {
    const file = storeFile();
    const asked: boolean[] = [];
    const provider: StoreKeyProvider = {
      storeKey: ({ create }) => {
        asked.push(create);
        return { key };
      },
    };
    openDeviceStore(file, { storeKey: provider }).db.close();
    openDeviceStore(file, { storeKey: provider }).db.close();
    expect(asked).toEqual([true, false]);
  });

  it('without a key an unencrypted store stays unencrypted and says why', async () => {
    const file = storeFile();
    await seed(file);
    for (const reason of ['noKeyStore', 'safeStorageBasicText', 'keyUnreadable'] as const) {
      const store = openDeviceStore(file, reason === 'noKeyStore' ? {} : { storeKey: without({ unavailable: reason }) });
      store.db.close();
      expect(store.encryption).toEqual({ state: 'off', reason });
      expect(storeFileState(file)).toBe('plain');
    }
  });

  it('a wipe removes the encrypted store, anything an encryption left, and the sealed key (so no copy of the store can be read again)', async () => {
    const file = storeFile();
    const dataDir = join(file, '..');
    await seed(file, withKey());
    for (const name of [sealedStoreKeyFileName, 'device.sqlite.encrypting', 'device.sqlite.plaintext']) writeFileSync(join(dataDir, name), 'x');
    markWipePending(dataDir, 'wipeDevice', 1);
    expect(finishPendingWipe(dataDir, fileCredentialVault(dataDir))).toBe(true);
    expect(readdirSync(dataDir)).toEqual([]);
  });
});
