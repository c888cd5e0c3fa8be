// How long the hub keeps the words and pictures of family letters that review stopped (docs/deployment-hub.md
// "Retention"): a site setting in days, null (the default) keeping them for good, and the moment each letter's content
// was purged. A purged attachment keeps its row and its sha256 name, and its bytes leave the blobs table unless a
// letter that was not purged holds the same bytes; so the name no longer promises a blobs row, and the foreign keys
// from attachments and captions to blobs go. Every other reader of a blob joins it, and a missing row is a 404.
export const sql = /* sql */ `
ALTER TABLE sites ADD COLUMN reviewed_mail_retention_days integer CHECK (reviewed_mail_retention_days BETWEEN 1 AND 36500);
ALTER TABLE messages ADD COLUMN content_purged_at bigint;
ALTER TABLE messages ADD CONSTRAINT messages_purged_only_when_stopped CHECK (content_purged_at IS NULL OR (direction = 'inbound' AND status = 'rejected'));
ALTER TABLE attachments DROP CONSTRAINT attachments_sha256_fkey;
ALTER TABLE attachment_captions DROP CONSTRAINT attachment_captions_sha256_fkey;
`;
