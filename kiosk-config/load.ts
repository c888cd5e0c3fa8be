// Reads a site file (YAML or JSON), checks it against the schema, and says exactly what is wrong when it is not right.
import { readFileSync } from 'node:fs';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { KioskConfig } from './schema';

export interface ConfigProblem {
  /** Dotted path of the field, e.g. `session.idleSeconds` or `readers.0.baudRate`; empty for the whole file. */
  readonly path: string;
  readonly message: string;
}

export class KioskConfigError extends Error {
  override readonly name = 'KioskConfigError';
  constructor(
    readonly file: string,
    readonly problems: readonly ConfigProblem[],
  ) {
    super(`The site file ${file} is not valid:\n${problems.map((problem) => `  ${problem.path || '(file)'}: ${problem.message}`).join('\n')}`);
  }
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') {
    return `expected ${issue.expected}${'input' in issue && issue.input === undefined ? ', but it is missing' : ''}`;
  }
  if (issue.code === 'unrecognized_keys') return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`;
  return issue.message;
}

export function parseKioskConfig(raw: unknown, file: string): KioskConfig {
  const parsed = KioskConfig.safeParse(raw, { reportInput: true });
  if (parsed.success) return parsed.data;
  throw new KioskConfigError(
    file,
    parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: describeIssue(issue) })),
  );
}

export function loadKioskConfig(file: string): KioskConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new KioskConfigError(file, [{ path: '', message: `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})` }]);
  }
  let raw: unknown;
  try {
    raw = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text, { prettyErrors: true });
  } catch (error) {
    const where = error instanceof YAMLParseError && error.linePos ? ` at line ${error.linePos[0].line}` : '';
    throw new KioskConfigError(file, [
      { path: '', message: `is not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}${where}: ${(error as Error).message.split('\n')[0]}` },
    ]);
  }
  return parseKioskConfig(raw, file);
}
