// The update format both sides apply (rules/app-update.ts) and its ed25519 signature (platform/update-signature.ts):
// a signature holds for exactly the fields it was made over, with exactly the key it was made with.
import { compareVersions } from '../../../rules/versions';
import { describe, expect, it } from 'vitest';
import { dayroomAppId, signedFieldsOf, updateFileUrl, UpdateMetadata, updateMetadataOf, type SignedUpdateFields } from '../../../rules/app-update';
import {
  generateUpdateSigningKey,
  publicKeyOfSigningKey,
  readUpdatePublicKey,
  readUpdateSigningKey,
  signUpdate,
  UpdateKeyError,
  updateSignatureHolds,
} from '../../../platform/update-signature';

const fields: SignedUpdateFields = {
  appId: dayroomAppId,
  variant: 'webhost-linux',
  version: '1.4.2',
  fileName: 'dayroom-webhost-1.4.2.tar.gz',
  sha512: `${'A'.repeat(86)}==`,
  size: 123_456,
  releaseDate: '2026-12-07T10:00:00.000Z',
};

describe('app update signatures', () => {
  const pair = generateUpdateSigningKey();
  const privateKey = readUpdateSigningKey(pair.privateKeyPem);
  const publicKey = readUpdatePublicKey(pair.publicKey);
  const signature = signUpdate(fields, privateKey);

  it('hold for the signed fields with the key pair, and the public key is the one a site file holds', () => {
    expect(updateSignatureHolds(fields, signature, publicKey)).toBe(true);
    expect(pair.publicKey).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(publicKeyOfSigningKey(privateKey)).toBe(pair.publicKey);
  });

  it('do not hold when any one signed field is changed', () => {
    const changed: SignedUpdateFields[] = [
      { ...fields, appId: 'org.other.app' },
      { ...fields, variant: 'electron-linux' },
      { ...fields, version: '1.4.3' },
      { ...fields, fileName: 'dayroom-webhost-1.4.2.tar' },
      { ...fields, sha512: `${'B'.repeat(86)}==` },
      { ...fields, size: 123_457 },
      { ...fields, releaseDate: '2026-12-07T10:00:01.000Z' },
    ];
    for (const other of changed) expect(updateSignatureHolds(other, signature, publicKey)).toBe(false);
  });

  it('do not hold with another key, or when the signature is damaged or not one', () => {
    const otherKey = readUpdatePublicKey(generateUpdateSigningKey().publicKey);
    expect(updateSignatureHolds(fields, signature, otherKey)).toBe(false);
    const damaged = Buffer.from(signature, 'base64');
    damaged[10] = (damaged[10] ?? 0) ^ 1;
    expect(updateSignatureHolds(fields, damaged.toString('base64'), publicKey)).toBe(false);
    expect(updateSignatureHolds(fields, '', publicKey)).toBe(false);
    expect(updateSignatureHolds(fields, Buffer.alloc(64).toString('base64'), publicKey)).toBe(false);
  });

  it('refuse keys that are not ed25519 keys of the right shape, in words', () => {
    expect(() => readUpdatePublicKey('c2hvcnQ=')).toThrow(UpdateKeyError);
    expect(() => readUpdatePublicKey(`${pair.publicKey.slice(0, -2)}x=`)).toThrow(/base64 of 32 bytes/);
    expect(() => readUpdateSigningKey('not a key')).toThrow(/not a private key in PEM form/);
  });
});

describe('app update metadata', () => {
  const metadata = updateMetadataOf(fields, `${'S'.repeat(86)}==`);

  it("is electron-updater's generic-provider shape with the file where the hub serves it", () => {
    expect(UpdateMetadata.parse(metadata)).toEqual(metadata);
    expect(metadata.path).toBe('files/webhost-linux/1.4.2/dayroom-webhost-1.4.2.tar.gz');
    expect(metadata.files).toEqual([{ url: metadata.path, sha512: fields.sha512, size: fields.size }]);
    expect(signedFieldsOf(metadata)).toEqual({ fields });
  });

  it('that names two files, two hashes or a file elsewhere is refused before any signature is checked', () => {
    const file = metadata.files[0] ?? { url: '', sha512: '', size: 0 };
    expect(signedFieldsOf({ ...metadata, files: [file, file] })).toEqual({ problem: 'the metadata must name exactly one file' });
    expect(signedFieldsOf({ ...metadata, sha512: `${'C'.repeat(86)}==` })).toEqual({ problem: 'the metadata names two different files' });
    const elsewhere = 'files/webhost-linux/9.9.9/dayroom-webhost-1.4.2.tar.gz';
    expect(signedFieldsOf({ ...metadata, path: elsewhere, files: [{ ...file, url: elsewhere }] })).toEqual({
      problem: 'the file is not where a published update lives',
    });
    const traversal = '../../etc/passwd';
    expect(signedFieldsOf({ ...metadata, path: traversal, files: [{ ...file, url: traversal }] })).toHaveProperty('problem');
    expect(updateFileUrl(fields)).toBe(metadata.path);
  });
});

describe('app versions', () => {
  it('compare by number, part by part', () => {
    expect(compareVersions('1.4.2', '1.4.2')).toBe(0);
    expect(compareVersions('1.10.0', '1.9.9')).toBeGreaterThan(0);
    expect(compareVersions('0.9.0', '1.0.0')).toBeLessThan(0);
    expect(compareVersions('2.0.10', '2.0.9')).toBeGreaterThan(0);
  });
});
