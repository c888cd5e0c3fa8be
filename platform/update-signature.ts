// The ed25519 keys and signatures of app updates (rules/app-update.ts says what is signed). The facility keeps the
// private key (made by `npm run hub -- update-signing-key`, a PEM file readable by its owner alone) off the devices;
// each device's site file holds the public key, as the base64 of its 32 raw bytes.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { signedUpdateText, type SignedUpdateFields } from '../rules/app-update';

/** The DER prefix of an ed25519 SubjectPublicKeyInfo; the 32 raw key bytes follow it. */
const ed25519SpkiPrefix = Buffer.from('302a300506032b6570032100', 'hex');

export class UpdateKeyError extends Error {
  override readonly name = 'UpdateKeyError';
}

export interface UpdateSigningKeyPair {
  /** PKCS#8 PEM: the file the facility keeps. */
  readonly privateKeyPem: string;
  /** base64 of the 32 raw bytes: what the site file's updates.publicKey holds. */
  readonly publicKey: string;
}

export function generateUpdateSigningKey(): UpdateSigningKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), publicKey: rawPublicKeyOf(publicKey) };
}

function rawPublicKeyOf(key: KeyObject): string {
  return key.export({ format: 'der', type: 'spki' }).subarray(ed25519SpkiPrefix.length).toString('base64');
}

/** The private key from its PEM text; refuses, in words, anything that is not an ed25519 private key. */
export function readUpdateSigningKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new UpdateKeyError('the signing key file is not a private key in PEM form (npm run hub -- update-signing-key makes one)');
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new UpdateKeyError(`the signing key is ${key.asymmetricKeyType ?? 'of no known type'}, not ed25519`);
  return key;
}

/** The public key (base64, as a site file holds it) of a private key. */
export function publicKeyOfSigningKey(privateKey: KeyObject): string {
  return rawPublicKeyOf(createPublicKey(privateKey));
}

/** The public key from the site file's base64; refuses anything but 32 bytes. */
export function readUpdatePublicKey(base64: string): KeyObject {
  const raw = Buffer.from(base64, 'base64');
  if (raw.length !== 32 || raw.toString('base64') !== base64) throw new UpdateKeyError('an update public key is the base64 of 32 bytes');
  return createPublicKey({ key: Buffer.concat([ed25519SpkiPrefix, raw]), format: 'der', type: 'spki' });
}

export function signUpdate(fields: SignedUpdateFields, privateKey: KeyObject): string {
  return sign(null, Buffer.from(signedUpdateText(fields), 'utf8'), privateKey).toString('base64');
}

export function updateSignatureHolds(fields: SignedUpdateFields, signature: string, publicKey: KeyObject): boolean {
  const bytes = Buffer.from(signature, 'base64');
  if (bytes.length !== 64) return false;
  return verify(null, Buffer.from(signedUpdateText(fields), 'utf8'), publicKey, bytes);
}

/** A file's sha512 (base64, as electron-updater writes it) and size, read as a stream. */
export async function digestOfFile(path: string): Promise<{ sha512: string; size: number }> {
  const hash = createHash('sha512');
  let size = 0;
  for await (const chunk of createReadStream(path)) {
    const bytes = chunk as Buffer;
    hash.update(bytes);
    size += bytes.length;
  }
  return { sha512: hash.digest('base64'), size };
}
