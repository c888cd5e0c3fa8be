// The people a resident may write to and hear from. Only approved contacts can be written to, in either direction.
import { randomUUID } from 'node:crypto';
import type { SqlExecutor } from '../db/database';
import { characterCount } from '../protocol/index';
import { checkedInputText, conflict, invalid, notFound, type HubContext } from './context';
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
    const [owner] = await tx.query<{ resident_id: string; blocked_at: number | null; display_name: string }>(
      'SELECT resident_id, blocked_at, display_name FROM contacts WHERE contact_id = $1',
      [input.contactId],
    );
    if (owner === undefined) throw notFound(`There is no contact ${input.contactId}.`);
    if (input.approved && owner.blocked_at !== null)
      throw conflict(`${owner.display_name} is blocked at the resident's request; lift the block before approving them.`);
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

/** Why a contact was blocked, for staff; null when they are not. */
export interface ContactBlock {
  readonly blockedAt: number;
  readonly reason: string;
}

/**
 * Blocks a contact at the resident's request: no longer approved (their letters are refused, the resident's devices
 * see them unapproved), and not approvable again until the block is lifted. The reason stays with the hub.
 */
export async function blockContact(hub: HubContext, input: { contactId: string; reason: string }): Promise<ContactRow> {
  const reason = checkedInputText(input.reason, 'line', 'The reason').trim();
  if (reason === '' || characterCount(reason) > 500) throw invalid('A block needs a reason of at most 500 characters.');
  return hub.database.transaction(async (tx) => {
    const [owner] = await tx.query<{ resident_id: string }>('SELECT resident_id FROM contacts WHERE contact_id = $1', [input.contactId]);
    if (owner === undefined) throw notFound(`There is no contact ${input.contactId}.`);
    const resident = await lockActiveResident(tx, owner.resident_id);
    const now = hub.now();
    const [contact] = await tx.query<ContactRow>(
      `UPDATE contacts SET approved = false, blocked_at = $2, blocked_reason = $3, version = version + 1 WHERE contact_id = $1 RETURNING ${contactColumns}`,
      [input.contactId, now, reason],
    );
    if (contact === undefined) throw new Error(`contact ${input.contactId} vanished`);
    await publishForResident(tx, resident, [contactChange(contact)], now);
    return contact;
  });
}

/** Lifts a block; the contact stays unapproved until someone approves them. */
export async function unblockContact(hub: HubContext, input: { contactId: string }): Promise<void> {
  const updated = await hub.database.query('UPDATE contacts SET blocked_at = NULL, blocked_reason = NULL WHERE contact_id = $1 RETURNING contact_id', [
    input.contactId,
  ]);
  if (updated.length === 0) throw notFound(`There is no contact ${input.contactId}.`);
}

/** Each contact's block, by contact id, for the residents' page. */
export async function contactBlocks(db: SqlExecutor, residentId: string): Promise<Map<string, ContactBlock>> {
  const rows = await db.query<{ contact_id: string; blocked_at: number; blocked_reason: string }>(
    'SELECT contact_id, blocked_at, blocked_reason FROM contacts WHERE resident_id = $1 AND blocked_at IS NOT NULL',
    [residentId],
  );
  return new Map(rows.map((row) => [row.contact_id, { blockedAt: row.blocked_at, reason: row.blocked_reason }]));
}
