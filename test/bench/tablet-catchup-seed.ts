// The hub's side of tablet-catchup (runs inside hub-process.ts): what piles up at the hub for one resident while their
// tablet is away — family letters and debit-ledger entries, interleaved as a day's mail and deposits would be. Both go
// through the real services one by one (sendFamilyMessage then reviewMessage approving it; deposit), so every row and
// change-log entry is exactly what production writes; 2,000 of each take seconds, so no bulk path is needed here.
import { deposit, reviewMessage, sendFamilyMessage, type HubContext } from '../../hub/services/index';

export interface CatchupSeed {
  readonly messages: number;
  readonly ledgerEntries: number;
  /** The first words of the newest letter: the device's inbox shows it on top once it has arrived. */
  readonly newestPreview: string;
}

export async function seedCatchup(hub: HubContext, input: { residentId: string; messages: number; ledgerEntries: number; tag: string }): Promise<CatchupSeed> {
  const contacts = await hub.database.query<{ contact_id: string }>('SELECT contact_id FROM contacts WHERE resident_id = $1 AND approved ORDER BY contact_id', [
    input.residentId,
  ]);
  if (contacts.length === 0) throw new Error('the resident has no approved contact');
  let newestPreview = '';
  for (let index = 0; index < Math.max(input.messages, input.ledgerEntries); index += 1) {
    if (index < input.messages) {
      newestPreview = `${input.tag} letter ${index + 1}`;
      const contactId = contacts[index % contacts.length]!.contact_id;
      const message = await sendFamilyMessage(hub, {
        contactId,
        body: `${newestPreview}: the dog learned a new trick and everyone says hello.`,
        carriesReturnStamp: index % 4 === 0,
      });
      await reviewMessage(hub, { decision: 'approve', messageId: message.message_id, reviewer: 'Officer Grant' });
    }
    if (index < input.ledgerEntries)
      await deposit(hub, { residentId: input.residentId, amountCents: 100 + (index % 7), source: 'online', reference: `${input.tag} ${index + 1}` });
  }
  return { messages: input.messages, ledgerEntries: input.ledgerEntries, newestPreview };
}
