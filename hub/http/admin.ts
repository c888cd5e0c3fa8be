// The console route: lets `tsx hub/cli.ts … --hub <connection file>` run its commands against a running hub, whose
// database (PGlite above all) cannot be opened by a second process. The commands are exactly the CLI's — one
// definition — run inside the hub process. It exists only when the hub was started with an admin token, and it
// answers only requests carrying that token.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { runCli } from '../commands/run';
import type { HubDatabase } from '../db/database';
import { sha256Hex, sameDigest } from '../security/tokens';
import { HubHttpError } from './errors';
import { rejectIfRateLimited } from './auth';
import { limitKeys, type FailureRateLimiter } from './rate-limiter';

export const adminCommandPath = '/admin/v1/command';

export const AdminCommandRequest = z.object({ args: z.array(z.string().max(10_000)).min(1).max(64) }).strict();
export const AdminCommandResponse = z.object({ exitCode: z.number().int(), out: z.array(z.string()), err: z.array(z.string()) });
export type AdminCommandResponse = z.infer<typeof AdminCommandResponse>;

export function registerAdminRoute(app: FastifyInstance, options: { database: HubDatabase; adminToken: string; limiter: FailureRateLimiter; now: () => number }): void {
  const expected = sha256Hex(options.adminToken);
  app.post(adminCommandPath, async (request) => {
    rejectIfRateLimited(options.limiter, limitKeys.adminToken(request.ip));
    const header = request.headers.authorization ?? '';
    const given = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
    if (!sameDigest(sha256Hex(given), expected)) {
      options.limiter.recordFailure(limitKeys.adminToken(request.ip));
      throw new HubHttpError(401, 'unauthorized', 'The console needs the hub admin token.');
    }
    const parsed = AdminCommandRequest.safeParse(request.body);
    if (!parsed.success) throw new HubHttpError(400, 'badRequest', 'body: { "args": [ "<command>", "--option", "value", … ] }');
    const out: string[] = [];
    const err: string[] = [];
    // --data would name another database; the console always works on the one this hub serves.
    const args = parsed.data.args.filter((arg, index, all) => arg !== '--data' && all[index - 1] !== '--data');
    const exitCode = await runCli(args, { out: (line) => out.push(line), err: (line) => err.push(line), env: { USER: 'hub console' }, database: options.database, now: options.now });
    return { exitCode, out, err } satisfies AdminCommandResponse;
  });
}
