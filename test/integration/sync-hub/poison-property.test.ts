// A property of the whole system: whatever a device's outbox holds — letters and ids with NUL, ESC, lone surrogates,
// random binary strings, hostile markup, wrong types, numbers no column holds — pushing it through the real hub (on
// PGlite and on a real PostgreSQL server) brings the device to rest: nothing pending, every mutation applied or
// refused with a code, and the hub's lastMutationId at the device's last id. A fixed number of runs, every one made
// (test/support/property-runs.ts: DAYROOM_PROPERTY_RUNS_FACTOR for more).
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { transferStamps } from '../../../hub/services/index';
import { hubLastMutationId } from '../../support/hub-audit';
import { propertyRuns, propertyTimeout } from '../../support/property-runs';
import { hubBackends, useHubDatabases } from '../../support/hub-databases';
import { hostileBodies, refusedTexts } from '../../support/hostile-text';
import { syncToQuiet, type SyncedDevice } from '../../support/synced-device';
import { seedFacility, startTestHub, testEpoch, type TestHub } from '../hub/fixture';
import { enrollOn, expectAtRest, storeUncheckedMutation } from './harness';

useHubDatabases();

let testHub: TestHub | null = null;
let kiosk: SyncedDevice | null = null;
afterEach(async () => {
  await kiosk?.stop();
  await testHub?.close();
  kiosk = null;
  testHub = null;
});

const hostileText = fc.oneof(
  fc.constantFrom(...refusedTexts, ...hostileBodies.filter((body) => body.length < 1_000)),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constant('\u0000'.repeat(3)),
);

type Action =
  | { readonly kind: 'send'; readonly body: string; readonly contact: 'mom' | 'friend' | string }
  | { readonly kind: 'markRead'; readonly messageId: string; readonly residentId: 'ana' | string }
  | { readonly kind: 'buy'; readonly bookSize: number; readonly residentId: 'ana' | string; readonly requestId: string }
  | { readonly kind: 'garbage'; readonly name: string; readonly args: unknown };

const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ kind: fc.constant('send' as const), body: hostileText, contact: fc.oneof(fc.constantFrom('mom', 'friend'), hostileText) }),
  fc.record({ kind: fc.constant('markRead' as const), messageId: fc.oneof(fc.uuid(), hostileText), residentId: fc.oneof(fc.constant('ana'), hostileText) }),
  fc.record({
    kind: fc.constant('buy' as const),
    bookSize: fc.oneof(fc.constantFrom(5, 10, 20), fc.integer(), fc.double({ noNaN: false })),
    residentId: fc.oneof(fc.constant('ana'), hostileText),
    requestId: fc.oneof(fc.uuid(), hostileText),
  }),
  // Any arguments under a name the store allows (its CHECK keeps other names out; the hub's own handling of unknown
  // names is in poison-input.test.ts).
  fc.record({
    kind: fc.constant('garbage' as const),
    name: fc.constantFrom('sendMessage', 'markRead', 'buyStamps', 'appendAuditEntry'),
    args: fc.jsonValue({ maxDepth: 2 }),
  }),
);

describe.each(hubBackends)('any outbox reaches rest through the real hub (%s)', (backend) => {
  it(
    'every mutation is applied or refused with a code, and nothing stays pending',
    async () => {
      testHub = await startTestHub(backend);
      const facility = await seedFacility(testHub.hub);
      const ana = facility.ana.resident_id;
      await transferStamps(testHub.hub, { residentId: ana, stamps: 1_000, from: 'test' });
      kiosk = await enrollOn(testHub, { name: 'kiosk', siteId: facility.siteId, kind: 'kiosk', housingUnitId: facility.unitA });
      const device = kiosk;
      const hubDatabase = testHub.hub.database;
      const contactOf = (contact: string) => (contact === 'mom' ? facility.anaMom : contact === 'friend' ? facility.anaFriend : contact);
      const residentOf = (resident: string) => (resident === 'ana' ? ana : resident);

      await fc.assert(
        fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 8 }), async (actions) => {
          for (const next of actions) {
            switch (next.kind) {
              case 'send':
                storeUncheckedMutation(
                  device,
                  'sendMessage',
                  {
                    messageId: randomUUID(),
                    residentId: ana,
                    contactId: contactOf(next.contact),
                    body: next.body,
                    writtenAt: testEpoch,
                    replyToMessageId: null,
                    useReturnStamp: false,
                  },
                  ana,
                );
                break;
              case 'markRead':
                storeUncheckedMutation(device, 'markRead', { residentId: residentOf(next.residentId), messageId: next.messageId, readAt: testEpoch }, ana);
                break;
              case 'buy':
                storeUncheckedMutation(
                  device,
                  'buyStamps',
                  { residentId: residentOf(next.residentId), requestId: next.requestId, bookSize: next.bookSize },
                  ana,
                );
                break;
              case 'garbage':
                storeUncheckedMutation(device, next.name, next.args, null);
                break;
              default: {
                const unknownAction: never = next;
                throw new Error(`unknown action ${JSON.stringify(unknownAction)}`);
              }
            }
          }
          // And one letter written today, through every check: it must get through whatever came before it.
          const good = device.act('sendMessage', {
            messageId: randomUUID(),
            residentId: ana,
            contactId: facility.anaMom,
            body: 'After the storm',
            writtenAt: testEpoch,
            replyToMessageId: null,
            useReturnStamp: false,
          });
          await syncToQuiet(device);
          expectAtRest(device);
          expect(device.db.prepare<[number], { status: string }>('SELECT status FROM outbox WHERE mutation_id = ?').get(good)).toEqual({ status: 'applied' });
          expect(await hubLastMutationId(hubDatabase, device.deviceId)).toBe(good);
        }),
        { numRuns: propertyRuns(12), seed: backend === 'pglite' ? 6001 : 6002 },
      );
    },
    propertyTimeout(180_000),
  );
});
