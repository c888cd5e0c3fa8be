// One JSON text per value: object keys sorted (by UTF-16 code units, like Array.prototype.sort), no whitespace. The
// audit chain hashes it on both sides (rules hashed by the device must verify at the hub), and the replica digest
// compares a device's records with the hub's view through it — whatever order a database (jsonb) or a parser put the
// keys in. Pure: no Node, no DOM.

/** A value JSON cannot carry exactly (undefined, NaN, a function, a class instance) has no canonical text. */
export class CanonicalJsonError extends Error {
  override readonly name: string = 'CanonicalJsonError';
}

/** The canonical JSON text of a value; throws CanonicalJsonError for anything JSON cannot carry exactly. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new CanonicalJsonError('a number in canonical JSON must be finite');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((item: unknown) => canonicalJson(item)).join(',')}]`;
  // Plain objects only (a null prototype counts: some parsers make those); a Date or a Map has no one JSON text.
  if (typeof value === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(value) as object | null)) {
    const record = value as Record<string, unknown>;
    // A key whose value is undefined is absent, as JSON.stringify (and so the wire) has it.
    const keys = Object.keys(record)
      .filter((key) => record[key] !== undefined)
      .sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`).join(',')}}`;
  }
  throw new CanonicalJsonError(`canonical JSON cannot hold a ${typeof value}`);
}
