// What a person takes with them at release: their letters (both directions, as written, with who and when) and their
// account statement (every ledger entry of money and stamps with the balances it leaves), as one PDF file. Text is
// drawn literally in a Unicode font (DejaVu Sans where the system has it, Debian's fonts-dejavu-core; otherwise PDF's
// Helvetica, which covers Latin text only).
import { existsSync } from 'node:fs';
import type { SqlExecutor } from '../db/database';
import { notFound } from './context';
import { listLedgerEntries } from './ledgers';
import { residentColumns, type ResidentRow } from './records';

const unicodeFont = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';
const unicodeBoldFont = '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf';

interface PacketLetter {
  readonly direction: 'inbound' | 'outbound';
  readonly contactName: string;
  readonly body: string;
  readonly writtenAt: number;
  readonly status: string;
}

function dateText(epochMs: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(epochMs);
}

function dollars(cents: number): string {
  const sign = cents < 0 ? '−' : '';
  return `${sign}$${(Math.abs(cents) / 100).toFixed(2)}`;
}

/** The release packet of one resident of `siteId` (their letters and statement) as PDF bytes. */
export async function releasePacket(db: SqlExecutor, input: { siteId: string; residentId: string; now: number; timeZone?: string }): Promise<Uint8Array> {
  const timeZone = input.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  const [resident] = await db.query<ResidentRow>(`SELECT ${residentColumns} FROM residents WHERE resident_id = $1 AND site_id = $2`, [
    input.residentId,
    input.siteId,
  ]);
  if (resident === undefined) throw notFound('There is no such person at this site.');
  const [site] = await db.query<{ name: string }>('SELECT name FROM sites WHERE site_id = $1', [input.siteId]);
  // Letters that reached their reader (or were sent by the person); letters stopped in review are not the person's to take.
  const letters = await db.query<{ direction: 'inbound' | 'outbound'; contact_name: string; body: string; written_at: number; status: string }>(
    `SELECT m.direction, c.display_name AS contact_name, m.body, m.written_at, m.status
       FROM messages m JOIN contacts c ON c.contact_id = m.contact_id
      WHERE m.resident_id = $1 AND (m.status IN ('delivered', 'read') OR m.direction = 'outbound')
      ORDER BY m.written_at, m.message_id`,
    [input.residentId],
  );
  const entries = (await listLedgerEntries(db, input.residentId, 100_000)).reverse();
  const packetLetters: PacketLetter[] = letters.map((row) => ({
    direction: row.direction,
    contactName: row.contact_name,
    body: row.body,
    writtenAt: row.written_at,
    status: row.status,
  }));

  // Loaded when a packet is asked for: pdfkit costs a fifth of a second to load, and every hub process need not pay it.
  const { default: PDFDocument } = await import('pdfkit');
  const document = new PDFDocument({ size: 'LETTER', margin: 54, info: { Title: `Release packet: ${resident.display_name}`, Author: 'Dayroom' } });
  const chunks: Buffer[] = [];
  document.on('data', (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<void>((resolve) => document.on('end', () => resolve()));
  const hasUnicode = existsSync(unicodeFont) && existsSync(unicodeBoldFont);
  const regular = hasUnicode ? unicodeFont : 'Helvetica';
  const bold = hasUnicode ? unicodeBoldFont : 'Helvetica-Bold';

  document.font(bold).fontSize(18).text(`Release packet: ${resident.display_name}`);
  document
    .font(regular)
    .fontSize(11)
    .text(`${site?.name ?? ''} · booking number ${resident.credential_id} · prepared ${dateText(input.now, timeZone)}`);
  document.moveDown();
  document.font(bold).fontSize(14).text('Account');
  document
    .font(regular)
    .fontSize(11)
    .text(`Money on account: ${dollars(resident.debit_balance_cents)}    Stamps: ${resident.stamp_balance}`);
  document.moveDown(0.5);
  let money = 0;
  let stamps = 0;
  for (const entry of entries) {
    if (entry.ledger === 'debit') money += entry.amount;
    else stamps += entry.amount;
    const amount = entry.ledger === 'debit' ? dollars(entry.amount) : `${entry.amount > 0 ? '+' : ''}${entry.amount} stamps`;
    document.text(
      `${dateText(entry.createdAt, timeZone)}   ${entry.kind}   ${amount}   balance ${dollars(money)}, ${stamps} stamps${entry.reference ? `   (${entry.reference})` : ''}`,
    );
  }
  if (entries.length === 0) document.text('No entries.');
  document.moveDown();
  document.font(bold).fontSize(14).text(`Letters (${packetLetters.length})`);
  for (const letter of packetLetters) {
    document.moveDown(0.5);
    const who = letter.direction === 'inbound' ? `From ${letter.contactName}` : `To ${letter.contactName}`;
    document
      .font(bold)
      .fontSize(11)
      .text(`${who} · ${dateText(letter.writtenAt, timeZone)}${letter.direction === 'outbound' && letter.status === 'rejected' ? ' · not delivered' : ''}`);
    document.font(regular).fontSize(11).text(letter.body);
  }
  if (packetLetters.length === 0) document.font(regular).text('No letters.');
  document.end();
  await finished;
  return Buffer.concat(chunks);
}
