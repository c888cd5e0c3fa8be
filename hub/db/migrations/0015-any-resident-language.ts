// A resident's language was held to English or Spanish by the initial schema's CHECK, so a language a site offers
// could not be kept on a resident's record. Languages are data now (rules/language.ts): the list becomes the tag's
// shape, the same pattern the wire schema checks.
export const sql = `
ALTER TABLE residents DROP CONSTRAINT IF EXISTS residents_language_check;
ALTER TABLE residents ADD CONSTRAINT residents_language_shape CHECK (language ~ '^[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$');
`;
