// The health report on the wire (issue 17): the report itself is a shared rule (rules/device-health.ts: the device
// makes it, the hub checks it, the console shows it); the pull that carries it answers with this receipt.
import { z } from 'zod';

export * from '../../rules/device-health';

/** What the hub did with the report that came with a pull: stored, or refused in words (the pull itself goes on). */
export const HealthReceipt = z.discriminatedUnion('status', [
  z.object({ status: z.literal('stored') }),
  z.object({ status: z.literal('refused'), code: z.literal('healthReportInvalid'), message: z.string() }),
]);
export type HealthReceipt = z.infer<typeof HealthReceipt>;
