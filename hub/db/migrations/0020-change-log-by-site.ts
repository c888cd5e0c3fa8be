// The last change-log row of one site, for a pull that found nothing new: its cursor moves there (hub/services/pull.ts),
// so the next empty pull can be answered from memory (hub/live/pull-shortcut.ts). The site-wide index covers only rows
// meant for the whole site; this one covers them all.
export const sql = /* sql */ `
CREATE INDEX change_log_by_site ON change_log (site_id, seq);
`;
