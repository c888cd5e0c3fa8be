// Turns a scan into a person by the site's credential rules: who (resident, staff or unknown) and their id.
// This is where raw card data stops: an event carries an id only when a rule vouched for it. Site policy, so it is
// sign-in's, not the readers': hardware reports frames and knows nothing of who carries them.
import type { ScanFrame } from '../../hardware/reader';
import type { CredentialFormat } from '../../hardware/reader-config';
import type { CredentialRule } from '../../kiosk-config/schema';

export type CredentialRole = 'resident' | 'staff' | 'unknown';

export interface CredentialEvent {
  readonly role: CredentialRole;
  /** The id a rule extracted; null for 'unknown', so unmatched card data never travels further. */
  readonly id: string | null;
  /** The reader the scan came from. */
  readonly source: string;
  /** How that reader encodes credentials, e.g. `barcode`. */
  readonly format: CredentialFormat;
}

/** Each role's rules: one, or several when people of the role carry more than one kind of credential. */
export interface CredentialRules {
  readonly resident: CredentialRule | readonly CredentialRule[];
  readonly staff?: CredentialRule | readonly CredentialRule[] | undefined;
}

export type CredentialMapper = (frame: ScanFrame) => CredentialEvent;

interface CompiledRule {
  /** The site's pattern wrapped in ^(?:…)$: the whole text must match, anchored or not. */
  readonly wholeText: RegExp;
  readonly hasCaptureGroup: boolean;
  readonly symbologies: ReadonlySet<string>;
  readonly formats: ReadonlySet<string>;
  readonly readers: ReadonlySet<string>;
}

function compileRule(rule: CredentialRule): CompiledRule {
  // An alternation with the empty pattern always matches '', and the match has one slot per group.
  const captureGroupCount = (new RegExp(`${rule.pattern}|`).exec('')?.length ?? 1) - 1;
  return {
    wholeText: new RegExp(`^(?:${rule.pattern})$`),
    hasCaptureGroup: captureGroupCount > 0,
    symbologies: new Set(rule.symbologies),
    formats: new Set(rule.formats),
    readers: new Set(rule.readers),
  };
}

/** The id this rule reads from the frame, or null when the rule does not apply or does not match. */
function idFromRule(rule: CompiledRule, frame: ScanFrame): string | null {
  if (rule.readers.size > 0 && !rule.readers.has(frame.readerId)) return null;
  if (rule.formats.size > 0 && !rule.formats.has(frame.format)) return null;
  // Readers that do not report a symbology cannot be filtered by one: the pattern alone decides.
  if (rule.symbologies.size > 0 && frame.symbology !== null && !rule.symbologies.has(frame.symbology)) return null;
  const match = rule.wholeText.exec(frame.text);
  if (match === null) return null;
  const id = rule.hasCaptureGroup ? match[1] : match[0];
  // A first group that took no part (or matched nothing) gives no id: better unknown than a guessed one.
  return id === undefined || id === '' ? null : id;
}

/**
 * Compiles the rules once and returns the mapping for a running reader. A scan that both rules accept is
 * 'unknown': overlapping patterns are a site configuration error, and guessing could hand out staff rights.
 */
export function createCredentialMapper(rules: CredentialRules): CredentialMapper {
  const resident = listOf(rules.resident).map(compileRule);
  const staff = listOf(rules.staff).map(compileRule);
  return (frame) => {
    const residentId = firstId(resident, frame);
    const staffId = firstId(staff, frame);
    const origin = { source: frame.readerId, format: frame.format };
    if (residentId !== null && staffId === null) return { role: 'resident', id: residentId, ...origin };
    if (staffId !== null && residentId === null) return { role: 'staff', id: staffId, ...origin };
    return { role: 'unknown', id: null, ...origin };
  };
}

function listOf(rules: CredentialRule | readonly CredentialRule[] | undefined): readonly CredentialRule[] {
  if (rules === undefined) return [];
  return isRuleList(rules) ? rules : [rules];
}

function isRuleList(rules: CredentialRule | readonly CredentialRule[]): rules is readonly CredentialRule[] {
  return Array.isArray(rules);
}

/** The id of the first rule of a role that vouches for the frame (a role's rules are tried in the site file's order). */
function firstId(rules: readonly CompiledRule[], frame: ScanFrame): string | null {
  for (const rule of rules) {
    const id = idFromRule(rule, frame);
    if (id !== null) return id;
  }
  return null;
}

/** One-off mapping; compiles the rules on every call, so hold a createCredentialMapper() for a reader. */
export function mapScanToCredential(frame: ScanFrame, rules: CredentialRules): CredentialEvent {
  return createCredentialMapper(rules)(frame);
}
