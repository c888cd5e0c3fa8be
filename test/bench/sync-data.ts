// Deterministic, realistic message traffic for the sync benchmarks: family letters and residents' replies in English
// and Spanish (accents, the odd emoji), lengths skewed short with a long tail, a mix of review outcomes, and photos on
// some of them. The same seed gives the same messages, so runs compare like with like.
import { createHash } from 'node:crypto';
import { v7 } from 'uuid';
import { MessageRecord, type AttachmentRecord } from '../../hub/protocol';
import { seededRandom } from '../support/seeded-random';

/** A UUID-shaped id drawn from the generator (ids must be stable across runs, so not randomUUID). */
export function seededUuid(random: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${'89ab'[Math.floor(random() * 4)]}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * A record id as the hub and the device make them (hub/protocol/ids.ts: UUIDv7, time first), for a record made at
 * `at`, with its random bits drawn from the generator so runs stay comparable.
 */
export function seededRecordId(at: number, random: () => number): string {
  return v7({ msecs: at, random: Uint8Array.from({ length: 16 }, () => Math.floor(random() * 256)) });
}

const english = [
  'We all miss you so much and think about you every day.',
  'Your little sister started school this week and she asked about you.',
  'The doctor said grandma is doing better, so don’t worry too much.',
  'I put money on your account on Friday, let me know if it shows up.',
  'Work has been busy but I am hanging in there.',
  'Marcus says hi and that he is saving the game for when you are home.',
  'Did you get the photos from the birthday party?',
  'The lawyer called back and said the hearing moved to next month.',
  'Keep your head up, one day at a time.',
  'It rained all weekend so we stayed in and watched movies.',
  'I found your old letters in the closet and read them again.',
  'Tell me what you need and I will try to send it.',
  'The dog keeps waiting by the door for you 🐶',
  'Church was nice on Sunday, everybody is praying for you ❤️',
];
const spanish = [
  'Te extrañamos mucho, mijo, y pensamos en ti todos los días.',
  'Tu abuela está mejor, gracias a Dios, ya volvió a cocinar.',
  'Te deposité dinero el viernes, avísame si ya te llegó.',
  'Los niños preguntan por ti cada noche antes de dormir.',
  'El abogado dijo que la audiencia se cambió para el próximo mes.',
  'Aquí seguimos trabajando duro, no te preocupes por nosotros.',
  '¿Recibiste las fotos del cumpleaños de tu sobrina?',
  'Échale ganas, ya falta menos. Te queremos muchísimo.',
  'Hizo mucho frío esta semana y se descompuso la calefacción.',
  'Tu mamá te manda bendiciones y un abrazo muy fuerte 🙏',
];

/** Characters of text, skewed short with a long tail: most letters are a paragraph, a few run to pages. */
function bodyLength(random: () => number): number {
  const draw = random();
  if (draw < 0.7) return 80 + Math.floor(random() * 320);
  if (draw < 0.95) return 400 + Math.floor(random() * 1100);
  return 1500 + Math.floor(random() * 3500);
}

export function messageBody(random: () => number): string {
  const language = random() < 0.35 ? spanish : english;
  const target = bodyLength(random);
  let body = '';
  while (body.length < target) body += `${body === '' ? '' : ' '}${language[Math.floor(random() * language.length)]}`;
  return body;
}

/** What the hub knows of one message, before it becomes a protocol record (device side) or rows (hub side). */
export interface MessageSpec {
  readonly messageId: string;
  readonly direction: 'inbound' | 'outbound';
  readonly body: string;
  readonly writtenAt: number;
  readonly receivedAt: number;
  /** When review decided (every message is reviewed before its resident or family sees it). */
  readonly reviewedAt: number;
  readonly status: 'inReview' | 'delivered' | 'read' | 'rejected';
  readonly statusChangedAt: number;
  readonly rejectionReason: string | null;
  readonly carriesReturnStamp: boolean;
  readonly stampsCharged: number;
  readonly readAt: number | null;
}

export const rejectionReasons = [
  'Mentions another resident by name.',
  'Contains a phone number; use the approved contact list instead.',
  'Content not allowed by facility mail rules.',
];

/** Two years of mail, oldest first, starting at `start`. */
export function messageSpecs(count: number, options: { seed: number; start: number; inboundOnly?: boolean }): MessageSpec[] {
  const random = seededRandom(options.seed);
  const span = 2 * 365 * 24 * 3600 * 1000;
  const specs: MessageSpec[] = [];
  for (let index = 0; index < count; index += 1) {
    const direction = options.inboundOnly === true || random() < 0.7 ? 'inbound' : 'outbound';
    const writtenAt = options.start + Math.floor((index / count) * span) + Math.floor(random() * 60_000);
    const receivedAt = writtenAt + 1_000 + Math.floor(random() * 30_000);
    const reviewedAt = receivedAt + 10 * 60_000 + Math.floor(random() * 8 * 3600_000);
    const outcome = random();
    const rejected = outcome < 0.05;
    const read = !rejected && outcome < 0.35;
    const body = messageBody(random);
    specs.push({
      // Family letters get their id when the hub receives them; replies when the person writes them on a device.
      messageId: seededRecordId(direction === 'inbound' ? receivedAt : writtenAt, random),
      direction,
      body,
      writtenAt,
      receivedAt,
      reviewedAt,
      status: rejected ? 'rejected' : read ? 'read' : 'delivered',
      statusChangedAt: read ? reviewedAt + 3600_000 : reviewedAt,
      rejectionReason: rejected ? (rejectionReasons[Math.floor(random() * rejectionReasons.length)] ?? null) : null,
      carriesReturnStamp: direction === 'inbound' && random() < 0.1,
      stampsCharged: direction === 'outbound' ? Math.max(1, Math.ceil([...body].length / 2000)) : 0,
      readAt: read ? reviewedAt + 3600_000 : null,
    });
  }
  return specs;
}

const mimeTypes = ['image/jpeg', 'image/jpeg', 'image/jpeg', 'image/png'] as const;

/** 15% of family letters carry one to three photos (each its own content hash). */
function attachmentsFor(spec: MessageSpec, random: () => number): AttachmentRecord[] {
  if (spec.direction !== 'inbound' || random() >= 0.15) return [];
  const count = 1 + Math.floor(random() * 3);
  return Array.from({ length: count }, (_, position) => ({
    attachmentId: seededRecordId(spec.receivedAt, random),
    kind: random() < 0.9 ? 'photo' : 'ecard',
    sha256: createHash('sha256').update(`${spec.messageId}/${position}`).digest('hex'),
    byteSize: 80_000 + Math.floor(random() * 2_500_000),
    mimeType: mimeTypes[Math.floor(random() * mimeTypes.length)] ?? 'image/jpeg',
    status: spec.status === 'rejected' ? 'rejected' : 'delivered',
    rejectionReason: spec.status === 'rejected' ? spec.rejectionReason : null,
  }));
}

/** The protocol record a device receives for a spec, parsed with the protocol's schema. */
export function messageRecords(specs: readonly MessageSpec[], options: { seed: number; residentId: string; contactIds: readonly string[] }): MessageRecord[] {
  const random = seededRandom(options.seed ^ 0x5eed);
  return specs.map((spec) => {
    const withheld = spec.direction === 'inbound' && spec.status === 'rejected';
    return MessageRecord.parse({
      messageId: spec.messageId,
      residentId: options.residentId,
      contactId: options.contactIds[Math.floor(random() * options.contactIds.length)] ?? options.contactIds[0],
      direction: spec.direction,
      body: withheld ? '' : spec.body,
      writtenAt: spec.writtenAt,
      receivedAt: spec.receivedAt,
      status: spec.status,
      statusChangedAt: spec.statusChangedAt,
      rejectionReason: spec.rejectionReason,
      carriesReturnStamp: spec.carriesReturnStamp,
      returnStampUsed: false,
      replyToMessageId: null,
      stampsCharged: spec.stampsCharged,
      stampsReturned: spec.status === 'rejected' ? spec.stampsCharged : 0,
      readAt: spec.readAt,
      attachments: attachmentsFor(spec, random),
    });
  });
}
