// An update of the device app as the hub publishes it and a device accepts it (docs/deployment.md §12 "Updates").
//
// The metadata is electron-updater's generic-provider file (`latest-linux.yml`, `latest.yml`, `<channel>-linux.yml`:
// version, files with url/sha512/size, path, sha512, releaseDate), so a stock electron-updater pointed at the hub reads
// it too, with Dayroom's own fields beside them: which app and which build the file is for, and an ed25519 signature
// over exactly the fields a device acts on. electron-updater's own check is the sha512 of the file; that proves the
// file matches the metadata, not that the facility published it — the signature does, with the public key in each
// device's site file. The signing and checking themselves are in platform/update-signature.ts (Node crypto).
import { z } from 'zod';
import { canonicalJson } from './canonical-json';

/** electron-builder's appId: an update for any other app id is refused, whoever signed it. */
export const dayroomAppId = 'org.dayroom.kiosk';

/**
 * The builds a device may run, each updated on its own channel: the web host (a tree run by Node, deploy/linux's
 * dayroom-webhost.service) and the Electron app unpacked on Linux. A device takes only its own build's updates.
 */
export const UpdateVariant = z.enum(['webhost-linux', 'electron-linux']);
export type UpdateVariant = z.infer<typeof UpdateVariant>;

/** The metadata file's name under the hub's /updates/, as electron-updater names it for a channel on Linux. */
export function updateMetadataFileName(variant: UpdateVariant): string {
  switch (variant) {
    case 'electron-linux':
      return 'latest-linux.yml';
    case 'webhost-linux':
      return 'webhost-linux.yml';
    default: {
      const unknownVariant: never = variant;
      throw new Error(`unknown update variant ${String(unknownVariant)}`);
    }
  }
}

/** Where a build's archive says which version it is, and whether the app tree inside is wrapped in one folder. */
export interface BuildLayout {
  /** The JSON file, relative to the app tree, whose `version` must be the version the build is published as. */
  readonly versionFile: string;
  /** True where the tree comes wrapped in one folder (unwrapped on install), false where it is packed from inside. */
  readonly wrappedInOneFolder: boolean;
}

/**
 * Read the same way by the hub before it publishes (hub/commands/updates.ts) and by the device before it installs
 * (main/update/install-layout.ts). The web host's tree is packed from inside its version folder, package.json at the
 * top. electron-builder's Linux tar.gz wraps the unpacked app in one folder named after the file (Dayroom-1.4.2/), and
 * its package.json is sealed inside app.asar, so the version is read from the copy electron-builder.yml's
 * extraResources puts beside it, resources/app-package.json (the same file install-kiosk.sh reads from the deb).
 */
export function buildLayoutOf(variant: UpdateVariant): BuildLayout {
  switch (variant) {
    case 'webhost-linux':
      return { versionFile: 'package.json', wrappedInOneFolder: false };
    case 'electron-linux':
      return { versionFile: 'resources/app-package.json', wrappedInOneFolder: true };
    default: {
      const unknownVariant: never = variant;
      throw new Error(`unknown update variant ${String(unknownVariant)}`);
    }
  }
}

/** MAJOR.MINOR.PATCH, numbers only: the versions a release is published under (no pre-release tags). */
export const AppVersion = z
  .string()
  .regex(/^(0|[1-9]\d{0,5})\.(0|[1-9]\d{0,5})\.(0|[1-9]\d{0,5})$/, 'a version is MAJOR.MINOR.PATCH, numbers only, e.g. 1.4.2');

/** A file name the hub serves and a device writes: no folders, nothing hidden, nothing a shell or URL would mangle. */
export const UpdateFileName = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'a file name of letters, digits, dots, dashes and underscores');

/** sha512 in base64, as electron-updater writes it. */
const Sha512Base64 = z.string().regex(/^[A-Za-z0-9+/]{86}==$/, 'a sha512 in base64');

/** The largest update a device downloads: a whole Electron app is about 100 MB packed. */
export const maxUpdateBytes = 1024 * 1024 * 1024;

/** The fields a device acts on, signed together. */
export const SignedUpdateFields = z
  .object({
    appId: z.string().min(1),
    variant: UpdateVariant,
    version: AppVersion,
    fileName: UpdateFileName,
    sha512: Sha512Base64,
    size: z.number().int().min(1).max(maxUpdateBytes),
    releaseDate: z.iso.datetime(),
  })
  .strict();
export type SignedUpdateFields = z.infer<typeof SignedUpdateFields>;

/** The text the signature covers (as UTF-8): the canonical JSON of the signed fields, under a label no other signature uses. */
export function signedUpdateText(fields: SignedUpdateFields): string {
  return `dayroom-update-v1\n${canonicalJson(fields)}`;
}

/** Where a file of a published update lives, relative to the metadata file (electron-updater resolves it so). */
export function updateFileUrl(fields: Pick<SignedUpdateFields, 'variant' | 'version' | 'fileName'>): string {
  return `files/${fields.variant}/${fields.version}/${fields.fileName}`;
}

/**
 * The metadata file as parsed YAML. Loose on purpose where electron-updater adds fields of its own (blockMapSize,
 * stagingPercentage…); strict on the fields Dayroom acts on, which must agree with the signed ones.
 */
export const UpdateMetadata = z.object({
  version: AppVersion,
  files: z.array(z.object({ url: z.string().min(1), sha512: Sha512Base64, size: z.number().int().min(1) }).loose()).min(1),
  path: z.string().min(1),
  sha512: Sha512Base64,
  releaseDate: z.iso.datetime(),
  dayroomAppId: z.string().min(1),
  dayroomVariant: UpdateVariant,
  /** ed25519 over signedUpdateText (as UTF-8), base64. */
  dayroomSignature: z.string().regex(/^[A-Za-z0-9+/]{86}==$/, 'an ed25519 signature in base64'),
});
export type UpdateMetadata = z.infer<typeof UpdateMetadata>;

/** The metadata file's content for a published update (before YAML). */
export function updateMetadataOf(fields: SignedUpdateFields, signature: string): UpdateMetadata {
  const url = updateFileUrl(fields);
  return {
    version: fields.version,
    files: [{ url, sha512: fields.sha512, size: fields.size }],
    path: url,
    sha512: fields.sha512,
    releaseDate: fields.releaseDate,
    dayroomAppId: fields.appId,
    dayroomVariant: fields.variant,
    dayroomSignature: signature,
  };
}

/** Why metadata does not describe one consistent file; null when it does. The signature is checked separately. */
export function signedFieldsOf(metadata: UpdateMetadata): { fields: SignedUpdateFields } | { problem: string } {
  const [file, ...more] = metadata.files;
  if (file === undefined || more.length > 0) return { problem: 'the metadata must name exactly one file' };
  if (file.url !== metadata.path || file.sha512 !== metadata.sha512) return { problem: 'the metadata names two different files' };
  const fileName = file.url.split('/').at(-1) ?? '';
  const fields = SignedUpdateFields.safeParse({
    appId: metadata.dayroomAppId,
    variant: metadata.dayroomVariant,
    version: metadata.version,
    fileName,
    sha512: file.sha512,
    size: file.size,
    releaseDate: metadata.releaseDate,
  });
  if (!fields.success) return { problem: `the metadata's ${fields.error.issues[0]?.path.join('.') ?? 'fields'} is not valid` };
  if (file.url !== updateFileUrl(fields.data)) return { problem: 'the file is not where a published update lives' };
  return { fields: fields.data };
}
