// A statement as files staff download: CSV (RFC 4180) and PDF. Both carry the same figures as the console's page —
// the opening balance, every entry with its running balance, the totals in and out, and the closing balance — so
// opening + in − out = closing, line by line.
import { dollarsText } from '../../rules/money';
import { localDateTimeText } from '../../rules/zoned-time';
import type { Statement } from './statements';

/** An amount as the files write it: cents as dollars without the sign ("25.00"); stamps as a count. */
function figure(statement: Statement, amount: number): string {
  if (statement.ledger === 'stamps') return String(amount);
  return dollarsText(amount).replace('$', '');
}

/**
 * One CSV cell. A cell a spreadsheet would read as a formula (starting with = + - @, or a tab or carriage return that
 * some strip before looking) is prefixed with an apostrophe, so a reference typed as "=HYPERLINK(…)" stays text.
 * Cells holding a comma, a quote or a line break are quoted, quotes doubled (RFC 4180).
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export const statementCsvHeader = ['Date', 'What', 'Reference', 'In', 'Out', 'Balance'] as const;

/**
 * The statement as CSV: a header row, the opening balance, one row per entry (In or Out, never a signed figure, so
 * no cell starts with a minus), the totals and the closing balance. Lines end in CRLF.
 */
export function statementCsv(statement: Statement): string {
  const rows: string[][] = [[...statementCsvHeader]];
  rows.push([statement.fromDate, 'Opening balance', '', '', '', figure(statement, statement.openingBalance)]);
  for (const line of statement.lines) {
    rows.push([
      localDateTimeText(line.at, statement.timeZone),
      line.what,
      line.reference,
      line.amount > 0 ? figure(statement, line.amount) : '',
      line.amount < 0 ? figure(statement, -line.amount) : '',
      figure(statement, line.balance),
    ]);
  }
  rows.push([statement.toDate, 'Totals', '', figure(statement, statement.totalIn), figure(statement, statement.totalOut), '']);
  rows.push([statement.toDate, 'Closing balance', '', '', '', figure(statement, statement.closingBalance)]);
  return rows.map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** "statement-B1001-money-2025-06-01-to-2025-06-30": a file name of safe characters only. */
export function statementFileName(statement: Statement, extension: 'csv' | 'pdf'): string {
  const credential = statement.credentialId.replace(/[^A-Za-z0-9-]/g, '_').slice(0, 40);
  const ledger = statement.ledger === 'debit' ? 'money' : 'stamps';
  return `statement-${credential}-${ledger}-${statement.fromDate}-to-${statement.toDate}.${extension}`;
}

/**
 * The PDF's standard fonts (no font file is shipped) draw Windows-1252 only: any other character is drawn as "?" so
 * nothing is drawn as a different letter, and the document's title and subject carry the name exactly (Unicode).
 */
function drawable(text: string): string {
  return Array.from(text, (character) =>
    /^[\u0020-\u007e\u00a0-\u00ff\u20ac\u2013\u2014\u2018\u2019\u201c\u201d\u2022\u2026]$/u.test(character) ? character : '?',
  ).join('');
}

const columns = [
  { title: 'Date', x: 40, width: 88, align: 'left' },
  { title: 'What', x: 132, width: 150, align: 'left' },
  { title: 'Reference', x: 286, width: 110, align: 'left' },
  { title: 'In', x: 400, width: 50, align: 'right' },
  { title: 'Out', x: 454, width: 50, align: 'right' },
  { title: 'Balance', x: 508, width: 64, align: 'right' },
] as const;

/** The statement as a PDF (US Letter), every figure drawn as text; resolves to its bytes. */
export async function statementPdf(statement: Statement): Promise<Buffer> {
  // Loaded when a PDF is asked for: pdfkit costs a fifth of a second to load, and every hub process need not pay it.
  const { default: PDFDocument } = await import('pdfkit');
  const ledgerName = statement.ledger === 'debit' ? 'Money account' : 'Stamps';
  const title = `Account statement: ${statement.residentName} (${statement.credentialId})`;
  const document = new PDFDocument({
    size: 'LETTER',
    margin: 40,
    info: {
      Title: title,
      Subject: `${ledgerName}, ${statement.fromDate} to ${statement.toDate}, ${statement.siteName}`,
      Author: statement.siteName,
      Producer: 'Dayroom hub',
      Creator: 'Dayroom hub',
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    document.on('data', (chunk: Buffer) => chunks.push(chunk));
    document.on('end', () => resolve(Buffer.concat(chunks)));
    document.on('error', reject);
  });

  document
    .font('Helvetica-Bold')
    .fontSize(16)
    .text(drawable(`Account statement — ${ledgerName}`), { lineBreak: true });
  document.moveDown(0.3);
  document.font('Helvetica').fontSize(11);
  document.text(drawable(`${statement.residentName} (booking ${statement.credentialId})`));
  document.text(drawable(statement.siteName));
  document.text(drawable(`Period: ${statement.fromDate} to ${statement.toDate} (times in ${statement.timeZone})`));
  document.moveDown(0.8);

  const row = (cells: readonly string[], bold = false): void => {
    document.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(9);
    if (document.y > document.page.height - 80) document.addPage();
    const top = document.y;
    let bottom = top;
    columns.forEach((column, index) => {
      document.text(drawable(cells[index] ?? ''), column.x, top, { width: column.width, align: column.align });
      bottom = Math.max(bottom, document.y);
    });
    document.x = 40;
    document.y = bottom + 3;
  };

  row(
    columns.map((column) => column.title),
    true,
  );
  row([statement.fromDate, 'Opening balance', '', '', '', figure(statement, statement.openingBalance)]);
  for (const line of statement.lines) {
    row([
      localDateTimeText(line.at, statement.timeZone),
      line.what,
      line.reference,
      line.amount > 0 ? figure(statement, line.amount) : '',
      line.amount < 0 ? figure(statement, -line.amount) : '',
      figure(statement, line.balance),
    ]);
  }
  row([statement.toDate, 'Totals', '', figure(statement, statement.totalIn), figure(statement, statement.totalOut), ''], true);
  row([statement.toDate, 'Closing balance', '', '', '', figure(statement, statement.closingBalance)], true);
  document.end();
  return done;
}
