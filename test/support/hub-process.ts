// The hub as the service runs it: `node --import tsx hub/main.ts …` in a process of its own. startHubProcess waits for
// its "listening on <url>" line; runHubToExit is for the starts that must be refused (they exit by themselves).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

const entry = ['--import', 'tsx', 'hub/main.ts'];

export interface HubProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything it printed so far, both streams. */
  output(): string;
  /** SIGTERM, and waits for the exit; resolves to the exit code. */
  stop(): Promise<number | null>;
}

/** The environment without the caller's database or TLS settings, plus `env`: each test says what the hub gets. */
function hubEnvironment(env: Record<string, string>): NodeJS.ProcessEnv {
  const inherited: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['DATABASE_URL', 'HUB_TLS_CERT', 'HUB_TLS_KEY', 'HUB_ENV_FILE', 'HUB_TRUST_PROXY']) delete inherited[name];
  return { ...inherited, LOG_LEVEL: 'warn', ...env };
}

export async function startHubProcess(args: readonly string[], env: Record<string, string> = {}): Promise<HubProcess> {
  const child = spawn(process.execPath, [...entry, '--port', '0', ...args], {
    cwd: process.cwd(),
    env: hubEnvironment(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let printed = '';
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const url = await new Promise<string>((resolve, reject) => {
    const look = (chunk: Buffer): void => {
      printed += chunk.toString('utf8');
      const found = /Dayroom hub listening on (https?:\/\/[^ ]+)/.exec(printed);
      if (found?.[1] !== undefined) resolve(found[1]);
    };
    child.stdout.on('data', look);
    child.stderr.on('data', look);
    void exited.then(([code]) => reject(new Error(`the hub exited (${String(code)}) before it listened:\n${printed}`)));
  });
  return {
    url,
    child,
    output: () => printed,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const [code] = await exited;
      return code;
    },
  };
}

export async function runHubToExit(
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string; started: boolean }> {
  const child = spawn(process.execPath, [...entry, '--port', '0', ...args], {
    cwd: process.cwd(),
    env: hubEnvironment(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let started = false;
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
    // A hub that started (it should not have) is stopped at once, and the answer says so.
    if (!started && stdout.includes('Dayroom hub listening on')) {
      started = true;
      child.kill('SIGTERM');
    }
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr, started };
}
