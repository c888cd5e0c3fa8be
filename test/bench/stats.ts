/** Percentile of a list of samples (nearest-rank). */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

/** Prints the one line a benchmark reports: `RESULT <name> key=value ...`, numbers rounded for reading. */
export function printResult(name: string, figures: Record<string, number | string>): void {
  const fields = Object.entries(figures).map(([key, value]) => `${key}=${typeof value === 'number' ? Number(value.toFixed(value >= 100 ? 0 : 2)) : value}`);
  console.log(`RESULT ${name} ${fields.join(' ')}`);
}
