// The mailroom's routes: the review queue and its filters, one letter with its attachments, approve / reject /
// withhold, the search of reviewed mail, the watch list (mailroom and supervisor), the standard reasons (read by
// reviewers, edited by supervisors) and messaging pauses. Whatever a request names by id — a letter, an attachment, a
// resident, a pause — is checked against the staff member's site before anything is shown or changed.
import { invalid, notFound } from '../../../services/context';
import {
  addReviewReason,
  attachmentForReview,
  decideLetter,
  editReviewReason,
  letterForReview,
  letterSite,
  listReviewReasons,
  queueFilterChoices,
  removeReviewReason,
  residentSite,
  reviewQueuePage,
  searchReviewedMail,
  type QueueFilters,
} from '../../../services/review';
import { liftSuspension, listSuspensions, loadSuspension, suspendMessaging } from '../../../services/suspensions';
import { addWatchTerm, listWatchTerms, removeWatchTerm } from '../../../services/watch-list';
import { defineConsoleFileRoute, defineConsoleRoute, type ConsoleRequestContext, type ConsoleRoute } from '../route';
import type { StaffRole } from '../schemas/common';
import {
  ApproveRequest,
  AttachmentIdParams,
  DecisionResult,
  LetterIdParams,
  LetterView,
  MessagingPauseView,
  PauseIdParams,
  PauseList,
  PauseRequest,
  QueueFilterChoices,
  QueuePage,
  QueueQuery,
  ReasonIdParams,
  ReasonRequest,
  RejectRequest,
  SearchPage,
  SearchQuery,
  SiteChoice,
  SiteQuery,
  StandardReason,
  StandardReasonList,
  TermIdParams,
  WatchTermList,
  WatchTermRequest,
  WatchTermView,
} from '../schemas/review';

const reviewers: readonly StaffRole[] = ['mailroom', 'supervisor'];
const supervisors: readonly StaffRole[] = ['supervisor'];

/** The site a listing covers: the one asked for (checked), else the staff member's own (null: an admin's every site). */
function listingSite(context: ConsoleRequestContext, requested: string | undefined): string | null {
  if (requested === undefined) return context.siteFilter();
  context.requireSite(requested);
  return requested;
}

/** The one site a change applies to: as listingSite, but an administrator of every site must name it. */
function changeSite(context: ConsoleRequestContext, requested: string | undefined): string {
  const site = listingSite(context, requested);
  if (site === null) throw invalid('Choose the site this applies to.');
  return site;
}

/** Present keys only: the services' filters are absent or a value, never undefined. */
function definedOnly<T extends Record<string, unknown>>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}

export const reviewRoutes: readonly ConsoleRoute[] = [
  defineConsoleRoute({
    name: 'review.queue',
    method: 'GET',
    path: '/review/queue',
    roles: reviewers,
    query: QueueQuery,
    response: QueuePage,
    handler: async ({ query }, context) => {
      const { siteId, cursor, ...filters } = query;
      const queueFilters: QueueFilters = { siteId: listingSite(context, siteId), ...definedOnly(filters) };
      return reviewQueuePage(context.hub.database, queueFilters, cursor ?? null);
    },
  }),
  defineConsoleRoute({
    name: 'review.filters',
    method: 'GET',
    path: '/review/filters',
    roles: reviewers,
    query: SiteQuery,
    response: QueueFilterChoices,
    handler: async ({ query }, context) => queueFilterChoices(context.hub.database, listingSite(context, query.siteId)),
  }),
  defineConsoleRoute({
    name: 'review.letter',
    method: 'GET',
    path: '/review/letters/:messageId',
    roles: reviewers,
    params: LetterIdParams,
    response: LetterView,
    handler: async ({ params }, context) => {
      context.requireSite(await letterSite(context.hub.database, params.messageId));
      return letterForReview(context.hub.database, params.messageId, context.hub.now());
    },
  }),
  defineConsoleFileRoute({
    name: 'review.attachment',
    method: 'GET',
    path: '/review/attachments/:attachmentId',
    roles: reviewers,
    params: AttachmentIdParams,
    handler: async ({ params }, context) => {
      const attachment = await attachmentForReview(context.hub.database, params.attachmentId);
      context.requireSite(attachment.siteId);
      // The type is the one stored when the letter came in (sniffed from its bytes then), never guessed from them now.
      return { contentType: attachment.mimeType, body: attachment.bytes, downloadName: null };
    },
  }),
  defineConsoleRoute({
    name: 'review.approve',
    method: 'POST',
    path: '/review/letters/:messageId/approve',
    roles: reviewers,
    params: LetterIdParams,
    body: ApproveRequest,
    response: DecisionResult,
    handler: async ({ params, body }, context) => {
      context.requireSite(await letterSite(context.hub.database, params.messageId));
      context.audit(params.messageId);
      const decided = await decideLetter(context.hub, {
        decision: 'approve',
        messageId: params.messageId,
        reviewer: context.staff.displayName,
        withheld: body.withheld,
      });
      return { messageId: decided.message_id, status: decided.status };
    },
  }),
  defineConsoleRoute({
    name: 'review.reject',
    method: 'POST',
    path: '/review/letters/:messageId/reject',
    roles: reviewers,
    params: LetterIdParams,
    body: RejectRequest,
    response: DecisionResult,
    handler: async ({ params, body }, context) => {
      context.requireSite(await letterSite(context.hub.database, params.messageId));
      context.audit(params.messageId);
      const decided = await decideLetter(context.hub, {
        decision: 'reject',
        messageId: params.messageId,
        reviewer: context.staff.displayName,
        reason: body.reason,
      });
      return { messageId: decided.message_id, status: decided.status };
    },
  }),
  defineConsoleRoute({
    name: 'review.search',
    method: 'GET',
    path: '/review/search',
    roles: reviewers,
    query: SearchQuery,
    response: SearchPage,
    handler: async ({ query }, context) => {
      const { siteId, cursor, ...search } = query;
      return searchReviewedMail(context.hub.database, { siteId: listingSite(context, siteId), ...definedOnly(search) }, cursor ?? null);
    },
  }),
  defineConsoleRoute({
    name: 'review.reasons',
    method: 'GET',
    path: '/review/reasons',
    roles: reviewers,
    query: SiteQuery,
    response: StandardReasonList,
    handler: async ({ query }, context) => ({ reasons: await listReviewReasons(context.hub.database, changeSite(context, query.siteId)) }),
  }),
  defineConsoleRoute({
    name: 'review.addReason',
    method: 'POST',
    path: '/review/reasons',
    roles: supervisors,
    body: ReasonRequest,
    response: StandardReason,
    handler: async ({ body }, context) => {
      const reason = await addReviewReason(context.hub, { siteId: changeSite(context, body.siteId), text: body.text });
      context.audit(reason.reasonId);
      return reason;
    },
  }),
  defineConsoleRoute({
    name: 'review.editReason',
    method: 'POST',
    path: '/review/reasons/:reasonId/edit',
    roles: supervisors,
    params: ReasonIdParams,
    body: ReasonRequest,
    response: StandardReason,
    handler: async ({ params, body }, context) => {
      context.audit(params.reasonId);
      return editReviewReason(context.hub, { siteId: changeSite(context, body.siteId), reasonId: params.reasonId, text: body.text });
    },
  }),
  defineConsoleRoute({
    name: 'review.removeReason',
    method: 'POST',
    path: '/review/reasons/:reasonId/remove',
    roles: supervisors,
    params: ReasonIdParams,
    body: SiteChoice,
    response: StandardReason,
    handler: async ({ params, body }, context) => {
      context.audit(params.reasonId);
      return removeReviewReason(context.hub, { siteId: changeSite(context, body.siteId), reasonId: params.reasonId });
    },
  }),
  defineConsoleRoute({
    name: 'review.watchList',
    method: 'GET',
    path: '/review/watch-list',
    roles: reviewers,
    query: SiteQuery,
    response: WatchTermList,
    handler: async ({ query }, context) => ({ terms: await listWatchTerms(context.hub.database, changeSite(context, query.siteId)) }),
  }),
  defineConsoleRoute({
    name: 'review.addWatchTerm',
    method: 'POST',
    path: '/review/watch-list',
    roles: reviewers,
    body: WatchTermRequest,
    response: WatchTermView,
    handler: async ({ body }, context) => {
      const term = await addWatchTerm(context.hub, { siteId: changeSite(context, body.siteId), term: body.term, addedBy: context.staff.displayName });
      context.audit(term.termId);
      return term;
    },
  }),
  defineConsoleRoute({
    name: 'review.removeWatchTerm',
    method: 'POST',
    path: '/review/watch-list/:termId/remove',
    roles: reviewers,
    params: TermIdParams,
    body: SiteChoice,
    response: WatchTermView,
    handler: async ({ params, body }, context) => {
      context.audit(params.termId);
      return removeWatchTerm(context.hub, { siteId: changeSite(context, body.siteId), termId: params.termId });
    },
  }),
  defineConsoleRoute({
    name: 'review.pauses',
    method: 'GET',
    path: '/review/pauses',
    roles: reviewers,
    query: SiteQuery,
    response: PauseList,
    handler: async ({ query }, context) => ({
      pauses: await listSuspensions(context.hub.database, { siteId: listingSite(context, query.siteId), now: context.hub.now() }),
    }),
  }),
  defineConsoleRoute({
    name: 'review.pause',
    method: 'POST',
    path: '/review/pauses',
    roles: reviewers,
    body: PauseRequest,
    response: MessagingPauseView,
    handler: async ({ body }, context) => {
      context.requireSite(await residentSite(context.hub.database, body.residentId));
      context.audit(body.residentId);
      return suspendMessaging(context.hub, { residentId: body.residentId, endsAt: body.endsAt, reason: body.reason, suspendedBy: context.staff.displayName });
    },
  }),
  defineConsoleRoute({
    name: 'review.liftPause',
    method: 'POST',
    path: '/review/pauses/:suspensionId/lift',
    roles: reviewers,
    params: PauseIdParams,
    response: MessagingPauseView,
    handler: async ({ params }, context) => {
      const pause = await loadSuspension(context.hub.database, params.suspensionId, context.hub.now());
      if (pause === null) throw notFound('There is no such pause.');
      context.requireSite(pause.siteId);
      context.audit(pause.residentId);
      return liftSuspension(context.hub, { suspensionId: params.suspensionId, liftedBy: context.staff.displayName });
    },
  }),
];
