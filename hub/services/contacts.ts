// The people a resident may write to and hear from. Only approved contacts can be written to, in either direction.
import { randomUUID } from 'node:crypto';
import type { SqlExecutor } from '../db/database';
import { characterCount } from '../protocol/index';
import { checkedInputText, invalid, notFound, type HubContext } from './context';
import { contactChange, contactColumns, type ContactRow } from './records';
import { lockActiveResident, publishForResident } from './residents';

export async function addContact(
  hub: HubContext,
  input: { residentId: string; displayName: string; relationship: string; approved?: boolean },
): Promise<ContactRow> {
  const displayName = checkedInputText(input.displayName, 'name', "The contact's name");
  const relationship = checkedInputText(input.relationship, 'line', 'The relationship').trim();
  if (displayName === '' || characterCount(displayName) > 120) throw invalid('A contact needs a name of at most 120 characters.');
  if (characterCount(relationship) > 60) throw invalid('A relationship is at most 60 characters.');
  return hub.database.transaction(async (tx) => {
    const resident = await lockActiveResident(tx, input.residentId);
    const now = hub.now();
    const [contact] = await tx.query<ContactRow>(
      `INSERT INTO contacts (contact_id, resident_id, display_name, relationship, approved, created_at)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${contactColumns}`,
      [randomUUID(), resident.resident_id, displayName, relationship, input.approved ?? false, now],
    );
    if (contact === undefined) throw new Error('INSERT ... RETURNING returned no row');
    await publishForResident(tx, resident, [contactChange(contact)], now);
    return contact;
  });
}

export async function setContactApproval(hub: HubContext, input: { contactId: string; approved: boolean }): Promise<ContactRow> {
  return hub.database.transaction(async (tx) => {
    const [owner] = await tx.query<{ resident_id: string }>('SELECT resident_id FROM contacts WHERE contact_id = $1', [input.contactId]);
    if (owner === undefined) throw notFound(`There is no contact ${input.contactId}.`);
    const resident = await lockActiveResident(tx, owner.resident_id);
    const [contact] = await tx.query<ContactRow>(`UPDATE contacts SET approved = $2, version = version + 1 WHERE contact_id = $1 RETURNING ${contactColumns}`, [
      input.contactId,
      input.approved,
    ]);
    if (contact === undefined) throw new Error(`contact ${input.contactId} vanished`);
    await publishForResident(tx, resident, [contactChange(contact)], hub.now());
    return contact;
  });
}

export async function getContact(db: SqlExecutor, contactId: string): Promise<ContactRow> {
  const [contact] = await db.query<ContactRow>(`SELECT ${contactColumns} FROM contacts WHERE contact_id = $1`, [contactId]);
  if (contact === undefined) throw notFound(`There is no contact ${contactId}.`);
  return contact;
}

export async function listContacts(db: SqlExecutor, residentId: string): Promise<ContactRow[]> {
  return db.query<ContactRow>(`SELECT ${contactColumns} FROM contacts WHERE resident_id = $1 ORDER BY display_name, contact_id`, [residentId]);
}
