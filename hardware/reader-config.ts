// What a site file may say about each reader, owned by the hardware whose drivers read it: kiosk-config/schema.ts lists
// these entries in a site's `readers`, and the drivers take the parsed entries. Here, not in the site file's schema, so
// hardware never imports the site file (which embeds it).
import { z } from 'zod';
import { createPcProxLineParser } from './parsers/pcprox';
import { wiegandFormats } from './parsers/wiegand';
import { checkKeyboardWedge, keyboardWedgeFields } from './keyboard/wedge-settings';

/** Control characters readers use for framing, by the names in their manuals; anything else is taken literally. */
export const namedFrameBytes: Readonly<Record<string, string>> = {
  CR: '\r',
  LF: '\n',
  CRLF: '\r\n',
  TAB: '\t',
  STX: '\x02',
  ETX: '\x03',
  ESC: '\x1b',
  GS: '\x1d',
  RS: '\x1e',
};

const FrameText = z
  .string()
  .max(8, 'a prefix or suffix is at most 8 characters')
  .transform((text) => namedFrameBytes[text] ?? text);

export const Symbology = z.enum(['code39', 'code128', 'pdf417', 'qr', 'dataMatrix', 'eanUpc', 'other']);
export type Symbology = z.infer<typeof Symbology>;

const UsbId = z.number().int().min(0).max(0xffff);

/**
 * Where a serial reader is: a fixed `path` (best a stable one, /dev/serial/by-id/...), or its `usb` ids, looked up
 * again on every reopen, so a reader moved to another socket is still found.
 */
const serialLocationFields = {
  path: z.string().min(1).optional(),
  usb: z
    .object({ vendorId: UsbId, productId: UsbId, serialNumber: z.string().min(1).optional() })
    .strict()
    .optional(),
};

function checkSerialLocation(reader: { readonly path?: string | undefined; readonly usb?: unknown }, context: z.RefinementCtx): void {
  if ((reader.path === undefined) === (reader.usb === undefined)) {
    context.addIssue({ code: 'custom', path: ['path'], message: 'give either a path or usb ids (vendorId, productId), not both and not neither' });
  }
}

export const SerialScannerReader = z
  .object({
    id: z.string().min(1).max(40),
    kind: z.literal('serialScanner'),
    ...serialLocationFields,
    baudRate: z.number().int().positive().default(9600),
    prefix: FrameText.default(''),
    suffix: FrameText.refine((text) => text.length > 0, 'a suffix cannot be empty').default('\r'),
    /** The scanner sends an AIM symbology identifier (]cm) before the data. */
    symbologyIdentifier: z.boolean().default(false),
    /** Longest frame accepted; longer runs are dropped as garbage, not buffered forever. */
    maxFrameLength: z.number().int().min(8).max(4096).default(256),
  })
  .strict()
  .superRefine(checkSerialLocation);

const ReaderId = z.string().min(1).max(40);
const Delimiter = z.string().min(1).max(4);

/** A serial RFID badge reader writing pcProx-style lines: card ids (decimal or hex, facility code first) or raw Wiegand. */
const SerialRfidReader = z
  .object({
    id: ReaderId,
    kind: z.literal('serialRfid'),
    ...serialLocationFields,
    baudRate: z.number().int().positive().default(9600),
    line: z
      .discriminatedUnion('kind', [
        z
          .object({ kind: z.literal('cardId'), base: z.enum(['decimal', 'hex']).default('decimal'), facilityDelimiter: Delimiter.nullable().default(':') })
          .strict(),
        z
          .object({
            kind: z.literal('rawWiegand'),
            bitCount: z.union([z.object({ delimiter: Delimiter }).strict(), z.object({ fixed: z.number().int().min(1).max(64) }).strict()]),
            formats: z
              .array(z.enum(wiegandFormats))
              .min(1)
              .default([...wiegandFormats]),
          })
          .strict(),
      ])
      .default({ kind: 'cardId', base: 'decimal', facilityDelimiter: ':' }),
  })
  .strict()
  .superRefine((reader, context) => {
    checkSerialLocation(reader, context);
    // The parser's own rules (a delimiter that is not a digit of the base, ...), said where the site file is read.
    try {
      createPcProxLineParser(reader.line);
    } catch (error) {
      context.addIssue({ code: 'custom', path: ['line'], message: error instanceof Error ? error.message : 'not a line format this reader can read' });
    }
  });

/** A MagTek-style magstripe reader in HID mode, found by USB vendor/product id or fixed by its hidraw path. */
export const HidMagstripeReader = z
  .object({
    id: ReaderId,
    kind: z.literal('hidMagstripe'),
    vendorId: UsbId.default(0x0801),
    productId: UsbId.optional(),
    path: z.string().min(1).optional(),
    /** Which track identifies a person. */
    track: z.union([z.literal(1), z.literal(2)]).default(2),
    /** accountNumber: the ISO 7813 account number; trackData: everything between the sentinels (bare facility numbers). */
    content: z.enum(['accountNumber', 'trackData']).default('accountNumber'),
    fieldSize: z.number().int().min(1).max(4096).optional(),
  })
  .strict();

/**
 * A card reader or barcode scanner in keyboard mode ("wedge"): it types its reads, so they are taken off the keyboard
 * by timing and framing (hardware/keyboard/wedge-detector.ts; the fields and their defaults are in wedge-settings.ts).
 */
const KeyboardWedgeReader = z
  .object({ id: ReaderId, kind: z.literal('keyboardWedge'), ...keyboardWedgeFields })
  .strict()
  .superRefine(checkKeyboardWedge);

export const ReaderConfig = z.discriminatedUnion('kind', [SerialScannerReader, SerialRfidReader, HidMagstripeReader, KeyboardWedgeReader]);
export type ReaderConfig = z.infer<typeof ReaderConfig>;

/**
 * What kind of credential a read came from (ScanFrame.format): a barcode from a scanner, a proximity badge from an RFID
 * reader (text `facilityCode:cardNumber`, decimal), a magstripe track, or keys from a keyboard-mode reader.
 */
export const CredentialFormat = z.enum(['barcode', 'rfid', 'magstripe', 'keyboard']);
export type CredentialFormat = z.infer<typeof CredentialFormat>;

/**
 * A magstripe reader's entry as the driver takes it (hardware/drivers/hid-magstripe.ts): the schema's, with the vendor
 * id left to the driver's MagTek default, so an entry built in code (a test, a bench) need not repeat it.
 */
export type HidMagstripeConfig = Omit<z.output<typeof HidMagstripeReader>, 'vendorId'> & { readonly vendorId?: number | undefined };
