// The order of app versions, one rule for the hub's fleet view (which device is behind: rules/device-trouble.ts) and for
// updates (a device takes only a newer version, the hub publishes only a newer one: rules/app-update.ts).

/**
 * Compares dotted versions part by part, numbers as numbers ("0.10.0" is after "0.9.2"); a pre-release ("1.2.0-rc1") is
 * before its release. Returns a negative number when a is older.
 */
export function compareVersions(a: string, b: string): number {
  const [aCore = '', aPre] = a.split('-', 2);
  const [bCore = '', bPre] = b.split('-', 2);
  const aParts = aCore.split(/[.+]/);
  const bParts = bCore.split(/[.+]/);
  for (let index = 0; index < Math.max(aParts.length, bParts.length); index += 1) {
    const left = aParts[index] ?? '0';
    const right = bParts[index] ?? '0';
    const leftNumber = Number(left);
    const rightNumber = Number(right);
    const order = Number.isInteger(leftNumber) && Number.isInteger(rightNumber) ? leftNumber - rightNumber : left.localeCompare(right);
    if (order !== 0) return order;
  }
  if (aPre === undefined || bPre === undefined) return aPre === undefined ? (bPre === undefined ? 0 : 1) : -1;
  return aPre.localeCompare(bPre);
}
