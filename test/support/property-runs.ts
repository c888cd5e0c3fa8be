// How long the property and model tests (fast-check) run. Each makes a fixed number of runs, and its timeout is sized
// for those runs on the 2-core build machine at load 10 — never a time limit that stops a run half-way and passes.
// A failure prints fast-check's seed and path ("seed: …, path: …"); pass them back as fc.assert's `seed` and `path`
// to replay it.
//
// A longer search is the same test with more runs: DAYROOM_PROPERTY_RUNS_FACTOR=10 makes every property test do ten
// times its runs, and gives it ten times its timeout.
const factorVariable = 'DAYROOM_PROPERTY_RUNS_FACTOR';

function readFactor(): number {
  const raw = process.env[factorVariable];
  if (raw === undefined || raw === '') return 1;
  const factor = Number(raw);
  if (!Number.isFinite(factor) || factor <= 0) throw new Error(`${factorVariable} must be a positive number, not "${raw}"`);
  return factor;
}

const factor = readFactor();

/** The number of runs a property test makes: its own default, times DAYROOM_PROPERTY_RUNS_FACTOR. */
export function propertyRuns(defaultRuns: number): number {
  return Math.max(1, Math.round(defaultRuns * factor));
}

/** The test's timeout for those runs: its own, sized for the default runs at load 10, times the same factor. */
export function propertyTimeout(defaultTimeoutMs: number): number {
  return Math.ceil(defaultTimeoutMs * Math.max(1, factor));
}
