import { loadavg } from 'node:os';

// Sizes the sync benchmarks read from the environment. The defaults are the sizes the benchmarks are defined at;
// another size is for a quick look on a slow machine, and the RESULT line says so (size_from_env=<variable>).
export interface BenchCount {
  readonly value: number;
  /** Extra RESULT fields: empty at the defined size, `size_from_env=<variable>` otherwise. */
  readonly note: Record<string, string>;
}

export function benchCount(variable: string, defined: number): BenchCount {
  const raw = process.env[variable];
  if (raw === undefined || raw === '') return { value: defined, note: {} };
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${variable} must be a positive whole number, not "${raw}"`);
  return { value, note: value === defined ? {} : { size_from_env: variable } };
}

/**
 * The 1-minute load average when a measurement starts. The build machine is shared: a figure taken while other jobs
 * ran (load well above the core count) says so on its RESULT line.
 */
export function machineLoad(): { load_1m: number } {
  return { load_1m: loadavg()[0] ?? Number.NaN };
}
