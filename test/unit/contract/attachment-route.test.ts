// The attachment route is the one path shape both shells serve; anything else under it is not an attachment.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { attachmentRoute } from '../../../main/contract';

describe('attachment route', () => {
  it('names a message and an attachment, and reads them back', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 64 }), fc.string({ minLength: 1, maxLength: 64 }), (messageId, attachmentId) => {
        expect(attachmentRoute.parse(attachmentRoute.path(messageId, attachmentId))).toEqual({ messageId, attachmentId });
      }),
    );
  });

  it.each([
    '/attachments/',
    '/attachments/m1',
    '/attachments/m1/',
    '/attachments/m1/a1/extra',
    '/attachments//a1',
    '/attachments/%E0%A4%A/a1',
    `/attachments/${'x'.repeat(65)}/a1`,
    '/other/m1/a1',
  ])('refuses %s', (path) => {
    expect(attachmentRoute.parse(path)).toBeNull();
  });
});
