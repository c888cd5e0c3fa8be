// A device start that fails part-way (a disk that fills while it starts) closes what it opened, so the shell can try
// again later in the same process (main/host/cli.ts, a start on a full disk) without a second store handle or timer left over.

/** What a start has opened so far, each with the step that closes it again (what a step returns is awaited, then dropped). */
export type UndoSteps = Array<() => unknown>;

/** Runs `build`; if it throws, undoes what it recorded, newest first, and throws its error. */
export async function undoOnFailure<T>(build: (undo: UndoSteps) => Promise<T>): Promise<T> {
  const undo: UndoSteps = [];
  try {
    return await build(undo);
  } catch (error) {
    for (const step of undo.reverse()) {
      try {
        await step();
      } catch {
        // Already failing: the first error is the one to report.
      }
    }
    throw error;
  }
}
