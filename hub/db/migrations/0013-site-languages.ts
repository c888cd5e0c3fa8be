// The languages a site offers residents and the one its devices start in, decided at the hub and synced to the site's
// devices with the site's rules (docs/languages.md). Null until staff set them: each device then keeps its site file's.
// One JSON value (rules/language.ts SiteLanguages, checked on the way in and out), so no column names a language.
export const sql = /* sql */ `
ALTER TABLE sites ADD COLUMN languages jsonb;
`;
