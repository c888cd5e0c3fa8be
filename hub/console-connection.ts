// The console connection file: where a running hub is and the admin token for its console route. Written by the
// hub at start (mode 0600, so only its user can read the token) and read by `tsx hub/cli.ts … --hub <file>`.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { z } from 'zod';
import { writeFileAtomically } from '../platform/atomic-write';
import { readCommandLine, reportRefusedLine } from './commands/run';
import { adminCommandPath, AdminCommandResponse, type AdminCommandRequest } from './http/admin';

export const ConsoleConnection = z.object({ url: z.string().url(), adminToken: z.string().min(32) }).strict();
export type ConsoleConnection = z.infer<typeof ConsoleConnection>;

export function newAdminToken(): string {
  return randomBytes(32).toString('base64url');
}

export function writeConsoleConnection(file: string, connection: ConsoleConnection): void {
  writeFileAtomically(dirname(file), basename(file), `${JSON.stringify(connection, null, 2)}\n`);
}

export function readConsoleConnection(file: string): ConsoleConnection {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new Error(`There is no hub connection file at ${file}. Is the hub running (npm start)?`);
  }
  const parsed = ConsoleConnection.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`${file} is not a hub connection file.`);
  return parsed.data;
}

/**
 * Runs one command line inside the running hub; resolves to its exit code after printing what it printed. The words
 * are read here, against the same registry the hub runs (help needs no hub, and a typo is refused before anything is
 * sent); what crosses is the command and its options as JSON, which the hub validates again with the command's schema.
 * --data is dropped: the console always works on the database the running hub serves.
 */
export async function runOnHub(
  connection: ConsoleConnection,
  args: readonly string[],
  io: { out: (line: string) => void; err: (line: string) => void },
): Promise<number> {
  const line = readCommandLine(args);
  switch (line.kind) {
    case 'help':
      io.out(line.text);
      return line.exitCode;
    case 'refused':
      reportRefusedLine(line, io.err);
      return 2;
    case 'run':
      break;
    default: {
      const unknownLine: never = line;
      throw new Error(`unknown command line ${JSON.stringify(unknownLine)}`);
    }
  }
  const refusal = line.command.check(line.options, 'commandLine');
  if (refusal !== null) {
    reportRefusedLine({ kind: 'refused', error: refusal, command: line.command }, io.err);
    return 2;
  }
  const request: AdminCommandRequest = { command: line.command.name, options: line.options, ...(line.site === undefined ? {} : { site: line.site }) };
  let response: Response;
  try {
    response = await fetch(new URL(adminCommandPath, connection.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${connection.adminToken}` },
      body: JSON.stringify(request),
      signal: AbortSignal.timeout(60_000),
    });
  } catch {
    io.err(`The hub at ${connection.url} does not answer. Is it running?`);
    return 1;
  }
  if (!response.ok) {
    io.err(`The hub refused the command (HTTP ${response.status}).`);
    return 1;
  }
  const result = AdminCommandResponse.parse(await response.json());
  result.out.forEach(io.out);
  result.err.forEach(io.err);
  return result.exitCode;
}
