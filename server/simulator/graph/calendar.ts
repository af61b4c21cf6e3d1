import { actionBody, param } from './common.js';
import { entity, list } from './odata.js';
import { itemNotFound, readMailbox, storedShape } from './outlook.js';
import { CALENDAR_READ, CALENDAR_WRITE } from './perms.js';
import { badRequest, GraphError, type GraphContext, type GraphResponse, type Route } from './types.js';

/**
 * Calendar events a person organises: list (with $filter on start/end, isOrganizer …), read,
 * calendarView, and cancel (the organizer's copy leaves the calendar; attendees are sent a
 * cancellation — recorded in the state for inspection).
 */

export const EVENT_SHAPE = storedShape('microsoft.graph.event', [
  'id', 'createdDateTime', 'lastModifiedDateTime', 'changeKey', 'categories', 'transactionId', 'originalStartTimeZone', 'originalEndTimeZone',
  'iCalUId', 'reminderMinutesBeforeStart', 'isReminderOn', 'hasAttachments', 'subject', 'bodyPreview', 'importance', 'sensitivity', 'isAllDay',
  'isCancelled', 'isOrganizer', 'responseRequested', 'seriesMasterId', 'showAs', 'type', 'webLink', 'onlineMeetingUrl', 'isOnlineMeeting',
  'onlineMeetingProvider', 'allowNewTimeProposals', 'isDraft', 'hideAttendees', 'responseStatus', 'body', 'start', 'end', 'location', 'locations',
  'recurrence', 'attendees', 'organizer', 'onlineMeeting',
]);

const outlook = { service: 'outlook' as const };

export const CANCEL_PARAMETERS = ['Comment'];

function events(ctx: GraphContext) {
  const { user } = readMailbox(ctx);
  return { user, events: ctx.store.personal(user.id).events };
}

function findEvent(ctx: GraphContext) {
  const { user, events: all } = events(ctx);
  const event = all.find((e) => e.id === ctx.params.eventId);
  if (!event) throw itemNotFound();
  return { user, all, event };
}

const listEvents = (ctx: GraphContext, items: Record<string, unknown>[], userId: string): GraphResponse =>
  list(ctx, { fragment: `users('${userId}')/events`, shape: EVENT_SHAPE, items, page: { default: 10, max: 1000 } });

const startOf = (e: Record<string, unknown>) => Date.parse(`${(e.start as { dateTime: string }).dateTime}Z`);
const endOf = (e: Record<string, unknown>) => Date.parse(`${(e.end as { dateTime: string }).dateTime}Z`);

export const calendarRoutes: Route[] = [
  ...['/users/{id}/events', '/users/{id}/calendar/events'].map(
    (path): Route => ({
      ...outlook,
      method: 'GET',
      path,
      perms: CALENDAR_READ,
      handle: (ctx) => {
        const e = events(ctx);
        return listEvents(ctx, e.events, e.user.id);
      },
    }),
  ),
  {
    ...outlook,
    method: 'GET',
    path: '/users/{id}/calendarView',
    perms: CALENDAR_READ,
    handle: (ctx) => {
      const from = Date.parse(ctx.req.query.get('startDateTime') ?? '');
      const to = Date.parse(ctx.req.query.get('endDateTime') ?? '');
      if (Number.isNaN(from) || Number.isNaN(to)) {
        throw new GraphError(400, 'ErrorInvalidParameter', "This request requires a time window specified by the query string parameters 'startDateTime' and 'endDateTime'.");
      }
      const { user, events: all } = events(ctx);
      return listEvents(ctx, all.filter((e) => startOf(e) < to && endOf(e) > from), user.id);
    },
  },
  {
    ...outlook,
    method: 'GET',
    path: '/users/{id}/events/{eventId}',
    perms: CALENDAR_READ,
    handle: (ctx) => {
      const { user, event } = findEvent(ctx);
      return entity(ctx, `users('${user.id}')/events`, EVENT_SHAPE, event);
    },
  },
  {
    ...outlook,
    method: 'POST',
    path: '/users/{id}/events/{eventId}/cancel',
    perms: CALENDAR_WRITE,
    handle: (ctx) => {
      const { user, all, event } = findEvent(ctx);
      const body = actionBody(ctx.req.body, CANCEL_PARAMETERS);
      const comment = param(body, 'Comment');
      if (comment !== undefined && comment !== null && typeof comment !== 'string') throw badRequest("Invalid value for parameter 'Comment'.", 'RequestBodyRead');
      if (!event.isOrganizer) throw new GraphError(400, 'ErrorAccessDenied', 'Your request can\'t be completed. Only the meeting organizer can cancel a meeting.');
      all.splice(all.indexOf(event), 1);
      ctx.store.cancelledEvents.push({ userId: user.id, eventId: String(event.id), subject: String(event.subject), comment: (comment as string | undefined) ?? null, at: ctx.store.iso() });
      return { status: 202 };
    },
  },
];
