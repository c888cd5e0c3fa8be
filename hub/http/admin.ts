// The console route: lets `npm run hub -- … --hub <connection file>` run its commands against a running hub, whose
// database (PGlite above all) cannot be opened by a second process. A request names a command of the registry and its
// options as JSON — { "command": "deposit", "options": { "resident": "B1001", "amount": "25.00", … } } — validated by
// the command's own schema (hub/commands/registry.ts) and run inside the hub process; command-line words are not
// taken here. It exists only when the hub was started with an admin token, and answers only requests carrying it.
//
// A body that is not { command, options } is a 400 (badRequest). Anything the command itself answers — done, a
// refusal of its options (coded, naming the option as `options.<key>`), the hub refusing — is a 200 whose
// `exitCode` and `refusal` say which, with the lines the command printed.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { findCommand } from '../commands/commands';
import { visibleText } from '../commands/format';
import { CommandRefusal, runCommand, type CommandResult } from '../commands/registry';
import type { HubDatabase } from '../db/database';
import { hubContext } from '../services/index';
import { sha256Hex, sameDigest } from '../security/tokens';
import { describeIssues, HubHttpError } from './errors';
import { rejectIfRateLimited } from './auth';
import { limitKeys, type FailureRateLimiter } from './rate-limiter';

export const adminCommandPath = '/admin/v1/command';

export const AdminCommandRequest = z.strictObject({
  /** A command's name as the registry knows it: `deposit`, `create-site`. */
  command: z.string().min(1).max(100),
  /** The command's options keyed as its schema names them (`charactersPerStamp`); the schema validates them. */
  options: z.record(z.string().max(100), z.unknown()).default({}),
  /** The site to act on; may be left out while the hub has a single site. */
  site: z.string().min(1).max(200).optional(),
});
export type AdminCommandRequest = z.input<typeof AdminCommandRequest>;

export const AdminCommandResponse = z.object({
  exitCode: z.number().int(),
  out: z.array(z.string()),
  err: z.array(z.string()),
  /** Why the command was refused (coded, for a console to switch on), or null when it ran. */
  refusal: CommandRefusal.nullable(),
});
export type AdminCommandResponse = z.infer<typeof AdminCommandResponse>;

const requestShape = 'The console takes JSON { "command": "<name>", "options": { "<option>": "<value>", … }, "site"?: "<site id>" }, not command-line words';

export function registerAdminRoute(
  app: FastifyInstance,
  options: { database: HubDatabase; adminToken: string; limiter: FailureRateLimiter; now: () => number },
): void {
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
    if (!parsed.success) throw new HubHttpError(400, 'badRequest', `${requestShape} (${describeIssues(parsed.error)}).`);
    const out: string[] = [];
    const err: string[] = [];
    // Every line through visibleText, as at the terminal: what people wrote must not act on the console's screen.
    const print = (lines: string[]) => (line: string) => lines.push(visibleText(line));
    const command = findCommand(parsed.data.command);
    let result: CommandResult;
    if (command === undefined) {
      const message = `Unknown command "${parsed.data.command}".`;
      err.push(visibleText(message));
      result = { exitCode: 2, refusal: { code: 'unknownCommand', message, path: ['command'] } };
    } else {
      result = await runCommand({
        command,
        options: parsed.data.options,
        site: parsed.data.site,
        hub: hubContext(options.database, { now: options.now }),
        reviewer: 'hub console',
        spelling: 'console',
        out: print(out),
        err: print(err),
      });
    }
    return { exitCode: result.exitCode, out, err, refusal: result.refusal } satisfies AdminCommandResponse;
  });
}
