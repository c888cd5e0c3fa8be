// The site file: every rule that varies by facility or by device lives here and is checked at start.
import { z } from 'zod';
import { defaultPinRules } from '../rules/pin-lockout';
import { SiteLanguages } from '../rules/language';
// The readers' entries are hardware's (it owns what its drivers accept); the site file lists them.
import { CredentialFormat, ReaderConfig, Symbology } from '../hardware/reader-config';

const RegexSource = z.string().superRefine((source, context) => {
  try {
    new RegExp(source);
  } catch (error) {
    context.addIssue({ code: 'custom', message: `not a valid regular expression (${(error as Error).message})` });
  }
});

/** How a scan becomes a person: the whole text must match; a first capture group, when present, is the id. */
const CredentialRule = z
  .object({
    pattern: RegexSource,
    /** Only these barcode symbologies count (when the reader reports them); empty means any. */
    symbologies: z.array(Symbology).default([]),
    /** Only reads of these kinds count (a 26-bit badge is `rfid`); empty means any. */
    formats: z.array(CredentialFormat).default([]),
    /** Only these readers count; empty means any. */
    readers: z.array(z.string()).default([]),
  })
  .strict();
export type CredentialRule = z.infer<typeof CredentialRule>;

/**
 * One rule, or a list when people of one role carry more than one credential (wristband barcodes on the unit, magstripe
 * cards at intake). A single rule is taken as a list of one, so errors in it are reported at `….0.pattern`.
 */
const CredentialRuleList = z.preprocess((rules) => (Array.isArray(rules) ? rules : [rules]), z.array(CredentialRule).min(1, 'give at least one rule'));

/** A wall kiosk syncs often (a line of people, mail arriving); a tablet is offline most of the day. */
export const defaultSyncIntervalSeconds = { kiosk: 30, tablet: 300 } as const;

/** How this device reaches the facility hub (docs/sync.md §2 "Identity and enrollment", §11 "When it runs"). The credential itself is never in the site file. */
export const HubSettings = z
  .object({
    /** The hub's address, offered when staff enroll the device. */
    url: z.string().url().optional(),
    /** Between syncs when nothing else triggers one; default 30 s on a kiosk, 300 s on a tablet. */
    syncIntervalSeconds: z
      .number()
      .int()
      .min(5)
      .max(24 * 3600)
      .optional(),
    /**
     * Keep a change stream open to the hub (docs/sync.md §9 "Live changes"): the hub says when there is something to
     * pull, so approved mail arrives in about a second. Off: the device only polls.
     */
    liveChanges: z.boolean().default(true),
    /** Between polls while the change stream is open (it is only a safety net then); never shorter than syncIntervalSeconds. */
    pollWhileLiveSeconds: z
      .number()
      .int()
      .min(30)
      .max(24 * 3600)
      .default(900),
    requestTimeoutSeconds: z.number().int().min(1).max(300).default(20),
    blobTimeoutSeconds: z.number().int().min(5).max(3600).default(120),
    /** Changes per pull request (the hub caps it at 1000). */
    pullBatchSize: z.number().int().min(1).max(1000).default(500),
    /** Retries after failures wait up to 2^n × this, never longer than backoffMaxSeconds. */
    backoffBaseSeconds: z.number().min(0.1).max(600).default(2),
    backoffMaxSeconds: z
      .number()
      .int()
      .min(1)
      .max(24 * 3600)
      .default(300),
  })
  .strict()
  .refine((hub) => hub.backoffBaseSeconds <= hub.backoffMaxSeconds, {
    message: 'the first backoff cannot be longer than the longest',
    path: ['backoffBaseSeconds'],
  });
export type HubSettings = z.infer<typeof HubSettings>;

/**
 * A tablet's own rules (issue 8): one person's device, so longer sessions; on idle the screen dims and then locks, keeping
 * the person's session for their PIN; and a tablet that has not synced for too long locks, after days of warnings.
 */
export const TabletSettings = z
  .object({
    /** Longest session before the person must sign in again (a lock in between does not restart it). */
    maxSessionMinutes: z
      .number()
      .min(1)
      .max(24 * 60)
      .default(240),
    /** Untouched this long, the tablet locks; the screen dims for the last `dimSeconds` of it first. */
    idleLockSeconds: z.number().int().min(10).max(3600).default(120),
    dimSeconds: z.number().int().min(3).max(300).default(15),
    /**
     * Whole days without a successful sync after which the tablet locks until it syncs (counted from assignment at first).
     * At most 20: the lock is a timer of the session machine, and a timer longer than about 24.8 days cannot be set.
     */
    lockAfterDaysWithoutSync: z.number().int().min(1).max(20).default(7),
    /** From this many days without sync on, every sign-in and the signed-in screens warn how many days are left. */
    warnFromDaysWithoutSync: z.number().int().min(0).max(19).default(5),
  })
  .strict()
  .refine((tablet) => tablet.dimSeconds < tablet.idleLockSeconds, {
    message: 'the screen must dim before it locks: dimSeconds must be shorter than idleLockSeconds',
    path: ['dimSeconds'],
  })
  .refine((tablet) => tablet.warnFromDaysWithoutSync < tablet.lockAfterDaysWithoutSync, {
    message: 'the warnings must start before the lock: warnFromDaysWithoutSync must be fewer days than lockAfterDaysWithoutSync',
    path: ['warnFromDaysWithoutSync'],
  });
export type TabletSettings = z.infer<typeof TabletSettings>;

/** A tablet's rules as the site file gives them, or the defaults when it has no tablet section. */
export function tabletSettingsOf(config: { readonly tablet?: TabletSettings | undefined }): TabletSettings {
  return config.tablet ?? TabletSettings.parse({});
}

/** Updates of the app from the hub: only those signed with this key are installed (docs/deployment.md §12 "Updates"). */
export const UpdateSettings = z
  .object({
    /** The facility's update public key: the base64 of 32 bytes that `npm run hub -- update-signing-key` printed. */
    publicKey: z.string().regex(/^[A-Za-z0-9+/]{43}=$/, 'the base64 of 32 bytes, as npm run hub -- update-signing-key printed it (44 characters ending in =)'),
    /** How often the device asks the hub for a newer version; it also asks shortly after it starts. */
    checkEveryMinutes: z
      .number()
      .int()
      .min(5)
      .max(7 * 24 * 60)
      .default(60),
  })
  .strict();
export type UpdateSettings = z.infer<typeof UpdateSettings>;

export const KioskConfig = z
  .object({
    site: z.object({ name: z.string().min(1), timeZone: z.string().min(1).default('UTC') }).strict(),
    device: z
      .object({
        name: z.string().min(1),
        mode: z.enum(['kiosk', 'tablet']),
        housingUnit: z.string().min(1).optional(),
      })
      .strict(),
    // The offline starting point: once the hub has sent the site's languages (docs/languages.md), the device follows those.
    languages: SiteLanguages,
    session: z
      .object({
        idleSeconds: z.number().int().min(5).max(3600),
        idleWarningSeconds: z.number().int().min(3).max(300),
        maxSessionMinutes: z
          .number()
          .min(0.25)
          .max(24 * 60),
        pinEntrySeconds: z.number().int().min(5).max(600).default(45),
        noticeSeconds: z.number().int().min(2).max(120).default(8),
      })
      .strict()
      .refine((session) => session.idleWarningSeconds < session.idleSeconds, {
        message: 'the idle warning must be shorter than the idle limit',
        path: ['idleWarningSeconds'],
      }),
    pin: z
      .object({
        length: z.number().int().min(4).max(8).default(4),
        // The hub counts a person's wrong PINs across devices with the protocol's default rule: a site that changes
        // these here locks people out on each device by its own numbers, and across devices by the default ones.
        maxAttempts: z.number().int().min(1).max(20).default(defaultPinRules.maxAttempts),
        lockoutBaseSeconds: z.number().int().min(1).default(defaultPinRules.lockoutBaseSeconds),
        lockoutMaxSeconds: z.number().int().min(1).default(defaultPinRules.lockoutMaxSeconds),
      })
      .strict()
      .default({ length: 4, ...defaultPinRules }),
    readers: z
      .array(ReaderConfig)
      .superRefine((readers, context) => {
        // Every keyboard-mode reader types into the same keyboard stream, which one detector reads: a second entry
        // could never be told apart from the first.
        const wedges = readers.flatMap((reader, index) => (reader.kind === 'keyboardWedge' ? [index] : []));
        for (const index of wedges.slice(1)) {
          context.addIssue({
            code: 'custom',
            path: [index],
            message: 'at most one keyboardWedge reader per site: there is one keyboard, so one detector reads it',
          });
        }
      })
      .default([]),
    credentials: z.object({ resident: CredentialRuleList, staff: CredentialRuleList.optional() }).strict(),
    hub: HubSettings.optional(),
    /** Service mode (staff): where "Export logs" writes its bundle; default the data folder's exports/. */
    service: z
      .object({ exportDirectory: z.string().min(1).optional() })
      .strict()
      .optional(),
    /** Only on a tablet (device.mode: tablet); every field has a default. */
    tablet: TabletSettings.optional(),
    /** App updates from the hub (docs/deployment.md §12); without this section the device never installs one. */
    updates: UpdateSettings.optional(),
  })
  .strict()
  .refine((config) => config.tablet === undefined || config.device.mode === 'tablet', {
    message: 'a tablet section is only for a tablet (device.mode is kiosk)',
    path: ['tablet'],
  });

export type KioskConfig = z.infer<typeof KioskConfig>;
export type KioskConfigInput = z.input<typeof KioskConfig>;
