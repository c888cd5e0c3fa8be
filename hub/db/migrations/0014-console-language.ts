// The language a staff member reads the facility console in (issue 18), kept with their account so it follows them to
// any browser and is there at their next sign-in. NULL until they choose: the console then uses its default. The tag is
// checked for shape only (`es`, `zh-Hans`, `en-US`); which languages exist is the console's locale files, not the hub's.
export const sql = /* sql */ `
ALTER TABLE console_accounts
  ADD COLUMN language text CHECK (language ~ '^[a-z]{2,3}(-[A-Z][a-z]{3})?(-[A-Z]{2})?$');
`;
