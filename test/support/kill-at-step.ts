// The power cut of the crash tests: a child script (wipe-child, encrypt-child, update-install-child) runs a durable
// operation and stops dead at a named step, printing `STOPPED <step>`; here it is SIGKILLed there, so no shutdown code
// runs, as when the power goes.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { expect } from 'vitest';

/** Runs `node --import tsx <script> ...args`, waits for `STOPPED <step>`, and kills it there with SIGKILL. */
export async function killAtStep(script: string, args: readonly string[], step: string): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stopped = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.startsWith('STOPPED ')) resolve(line.slice('STOPPED '.length));
    });
    child.once('exit', (code) => reject(new Error(`${script} exited (${code}) before stopping:\n${stderr}`)));
  });
  expect(stopped).toBe(step);
  child.kill('SIGKILL');
  await exited;
}
