// The one rule for "the disk is full": SQLite says SQLITE_FULL (better-sqlite3 puts it in `code`), the file system
// says ENOSPC, or EDQUOT when a quota ran out. Everything that must turn a full disk into a state rather than a crash
// (sync, the logger, the start) asks here.
const storageFullCodes: ReadonlySet<string> = new Set(['SQLITE_FULL', 'ENOSPC', 'EDQUOT']);

/** The same rule for a failure kept only as its code (a blob download keeps `ENOSPC`, not the error). */
export function isStorageFullCode(code: string): boolean {
  return storageFullCodes.has(code);
}

export function isStorageFull(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth += 1) {
    const code: unknown = Reflect.get(current, 'code');
    if (typeof code === 'string' && storageFullCodes.has(code)) return true;
  }
  return false;
}
