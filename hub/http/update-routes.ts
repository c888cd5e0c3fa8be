// The device app's updates over HTTP (hub/services/app-updates.ts; docs/deployment.md §12): the metadata file a build
// checks and the file it names, in electron-updater's generic-provider layout under hubPaths.updates. Devices only:
// each request carries the device's credential, like a pull.
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { stringify } from 'yaml';
import { z } from 'zod';
import { UpdateVariant, updateMetadataFileName, updateMetadataOf, AppVersion, UpdateFileName } from '../../rules/app-update';
import { hubPaths } from '../protocol/wire';
import type { HubContext } from '../services/context';
import { appUpdateChunks, findAppUpdate, newestAppUpdate } from '../services/app-updates';
import { authenticatedDevice } from './auth';
import { HubHttpError, parseOrReject } from './errors';

const variantOfMetadataFile = new Map(UpdateVariant.options.map((variant) => [updateMetadataFileName(variant), variant]));

const MetadataParams = z.object({ metadataFile: z.string().max(100) }).strict();
const FileParams = z.object({ variant: UpdateVariant, version: AppVersion, fileName: UpdateFileName }).strict();

export function registerUpdateRoutes(app: FastifyInstance, hub: HubContext, authenticate: (request: FastifyRequest) => Promise<void>): void {
  app.get(`${hubPaths.updates}/:metadataFile`, { onRequest: authenticate }, async (request, reply) => {
    const { metadataFile } = parseOrReject(MetadataParams, request.params);
    const variant = variantOfMetadataFile.get(metadataFile);
    if (variant === undefined) throw new HubHttpError(404, 'notFound', 'There is no such update channel.');
    const newest = await newestAppUpdate(hub.database, variant);
    // Nothing published yet is a 404, as electron-updater's generic provider takes it: no update.
    if (newest === null) throw new HubHttpError(404, 'notFound', `No update of ${variant} has been published.`);
    request.log.debug({ deviceId: authenticatedDevice(request).device_id, variant, version: newest.fields.version }, 'update metadata served');
    return reply
      .header('content-type', 'text/yaml; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(stringify(updateMetadataOf(newest.fields, newest.signature)));
  });

  app.get(`${hubPaths.updates}/files/:variant/:version/:fileName`, { onRequest: authenticate }, async (request, reply) => {
    const { variant, version, fileName } = parseOrReject(FileParams, request.params);
    const update = await findAppUpdate(hub.database, variant, version);
    if (update === null || update.fields.fileName !== fileName) throw new HubHttpError(404, 'notFound', 'There is no such update file.');
    request.log.info({ deviceId: authenticatedDevice(request).device_id, variant, version }, 'update file served');
    return reply
      .header('content-type', 'application/octet-stream')
      .header('content-length', String(update.fields.size))
      .header('cache-control', 'no-store')
      .send(Readable.from(appUpdateChunks(hub.database, variant, version)));
  });
}
