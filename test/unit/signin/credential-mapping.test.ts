import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Symbology } from '../../../hardware/reader-config';
import type { CredentialRule } from '../../../kiosk-config/schema';
import type { ScanFrame } from '../../../hardware/reader';
import { createCredentialMapper, mapScanToCredential, type CredentialRules } from '../../../main/signin/credential-mapping';

function rule(pattern: string, filters: Partial<Omit<CredentialRule, 'pattern'>> = {}): CredentialRule {
  return { pattern, symbologies: [], formats: [], readers: [], ...filters };
}

function scan(text: string, overrides: { readerId?: string; symbology?: Symbology | null } = {}): ScanFrame {
  return { readerId: overrides.readerId ?? 'unit-b-scanner', text, symbology: overrides.symbology ?? null, format: 'barcode' };
}

const origin = { source: 'unit-b-scanner', format: 'barcode' };
const unknown = { role: 'unknown', id: null, ...origin };

describe('createCredentialMapper', () => {
  const siteRules: CredentialRules = {
    resident: rule('^R(\\d{6})$', { symbologies: ['code39', 'code128'] }),
    staff: rule('^S(\\d{5})$'),
  };
  const mapCredential = createCredentialMapper(siteRules);

  it('maps a resident wristband to the captured booking number', () => {
    expect(mapCredential(scan('R123456', { symbology: 'code39' }))).toEqual({ role: 'resident', id: '123456', ...origin });
  });

  it('maps a staff badge', () => {
    expect(mapCredential(scan('S12345'))).toEqual({ role: 'staff', id: '12345', ...origin });
  });

  it('reports an unmatched scan as unknown without its text', () => {
    const event = mapCredential(scan('4111111111111111'));
    expect(event).toEqual(unknown);
    expect(JSON.stringify(event)).not.toContain('4111');
  });

  it('uses the whole text when the pattern has no capture group', () => {
    expect(mapScanToCredential(scan('R123456'), { resident: rule('R\\d{6}') })).toEqual({ role: 'resident', id: 'R123456', ...origin });
  });

  it('makes an unanchored pattern match the whole text', () => {
    const rules = { resident: rule('R(\\d{6})') };
    expect(mapScanToCredential(scan('xR123456'), rules)).toEqual(unknown);
    expect(mapScanToCredential(scan('R1234567'), rules)).toEqual(unknown);
    expect(mapScanToCredential(scan('R123456'), rules)).toEqual({ role: 'resident', id: '123456', ...origin });
  });

  it('anchors every alternative, not just the first and last', () => {
    const rules = { resident: rule('R(\\d{6})|B(\\d{6})') };
    expect(mapScanToCredential(scan('R123456-tail'), rules)).toEqual(unknown);
    expect(mapScanToCredential(scan('head-B123456'), rules)).toEqual(unknown);
  });

  it('gives no id when the first capture group took no part in the match', () => {
    const rules = { resident: rule('R(\\d{6})|B(\\d{6})') };
    expect(mapScanToCredential(scan('R123456'), rules)).toEqual({ role: 'resident', id: '123456', ...origin });
    expect(mapScanToCredential(scan('B123456'), rules)).toEqual(unknown);
  });

  it('counts a named group as the first capture group', () => {
    expect(mapScanToCredential(scan('R123456'), { resident: rule('R(?<booking>\\d{6})') })).toEqual({ role: 'resident', id: '123456', ...origin });
  });

  it('applies the symbology filter when the reader reports one', () => {
    expect(mapCredential(scan('R123456', { symbology: 'qr' }))).toEqual(unknown);
    expect(mapCredential(scan('R123456', { symbology: 'code128' }))).toMatchObject({ role: 'resident' });
  });

  it('lets the pattern alone decide when the reader reports no symbology', () => {
    expect(mapCredential(scan('R123456', { symbology: null }))).toMatchObject({ role: 'resident', id: '123456' });
  });

  it('applies the reader filter', () => {
    const rules = { resident: rule('R(\\d{6})', { readers: ['unit-b-scanner'] }) };
    expect(mapScanToCredential(scan('R123456', { readerId: 'intake-desk' }), rules)).toEqual({ ...unknown, source: 'intake-desk' });
    expect(mapScanToCredential(scan('R123456'), rules)).toMatchObject({ role: 'resident' });
  });

  it('applies the format filter: a facility-code rule for badges does not take a barcode with the same text', () => {
    const rules = { resident: rule('R(\\d{6})'), staff: rule('42:(\\d+)', { formats: ['rfid'] }) };
    const badge = { ...scan('42:1234', { readerId: 'door-badge' }), format: 'rfid' as const };
    expect(mapScanToCredential(badge, rules)).toEqual({ role: 'staff', id: '1234', source: 'door-badge', format: 'rfid' });
    expect(mapScanToCredential(scan('42:1234'), rules)).toEqual(unknown);
    // A badge of another facility code is nobody's, not a guess.
    expect(mapScanToCredential({ ...badge, text: '43:1234' }, rules)).toMatchObject({ role: 'unknown', id: null });
  });

  it('takes several rules for a role, tried in order: wristbands on the unit, magstripe cards from intake', () => {
    const rules = {
      resident: [rule('R(\\d{6})', { formats: ['barcode'] }), rule('(\\d{6})', { formats: ['magstripe'] })],
      staff: [rule('S(\\d{5})')],
    };
    const swipe = { ...scan('100001', { readerId: 'swipe' }), format: 'magstripe' as const };
    expect(mapScanToCredential(swipe, rules)).toEqual({ role: 'resident', id: '100001', source: 'swipe', format: 'magstripe' });
    expect(mapScanToCredential(scan('R100001'), rules)).toEqual({ role: 'resident', id: '100001', ...origin });
    expect(mapScanToCredential(scan('100001'), rules)).toEqual(unknown);
    expect(mapScanToCredential(scan('S12345'), rules)).toEqual({ role: 'staff', id: '12345', ...origin });
  });

  it('treats a scan both rules accept as unknown rather than guess the role', () => {
    const rules = { resident: rule('(\\d+)'), staff: rule('(\\d{5})') };
    expect(mapScanToCredential(scan('12345'), rules)).toEqual(unknown);
    expect(mapScanToCredential(scan('123456'), rules)).toEqual({ role: 'resident', id: '123456', ...origin });
  });

  it('works without a staff rule', () => {
    expect(mapScanToCredential(scan('S12345'), { resident: rule('R(\\d{6})') })).toEqual(unknown);
  });

  it('never lets unmatched text into the event', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[\x20-\x7e]{1,40}$/), (text) => {
        const event = mapCredential(scan(text));
        if (event.role === 'unknown') expect(event.id).toBeNull();
        else expect(event.id).toMatch(event.role === 'resident' ? /^\d{6}$/ : /^\d{5}$/);
      }),
    );
  });
});
