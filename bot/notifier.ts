import { createHash } from 'node:crypto';
import type { Activity, CloudAdapter, ConversationReference } from 'botbuilder';
import { FINISHED_STATES, type Run } from '../server/offboarding/contract.js';
import { RUN_EVENTS, type RunEvent } from '../server/offboarding/events.js';
import { cardAttachment, type CardName } from './cards/render.js';
import type { Notification, NotificationChannel } from '../server/notifications/notifications.service.js';
import type { DigestSender } from '../server/conversations/conversations.jobs.js';
import type { BotServices } from './context.js';
import { leaversView } from './leavers.js';
import { approvalView, progressView } from './views.js';

/**
 * The bot speaking first: approval requests to the approvers' personal chats, and the run's
 * cards kept up to date as it advances (every run event refreshes them, coalesced per run so a
 * burst of step events costs one update), then a completion or failure card when it ends.
 */
export function createNotifier(adapter: CloudAdapter, appId: string, s: BotServices) {
  const log = s.log.child({ module: 'bot-notifier' });
  /** What each card of a run still going last showed (its JSON's hash): an unchanged card is not sent again. */
  const shown = new Map<string, string>();
  const busy = new Map<string, { again: boolean; completes: boolean; orgId: string }>();

  /** A new message in the conversation (botbuilder sends it as a reply to the continuation activity). */
  async function post(reference: Record<string, unknown>, message: ReturnType<typeof cardAttachment> | Partial<Activity>): Promise<string | undefined> {
    let id: string | undefined;
    const activity: Partial<Activity> = 'contentType' in message ? { type: 'message', attachments: [message] } : message;
    await adapter.continueConversationAsync(appId, reference as Partial<ConversationReference>, async (ctx) => {
      id = (await ctx.sendActivity(activity))?.id;
    });
    return id;
  }

  async function update(reference: Record<string, unknown>, activityId: string, attachment: ReturnType<typeof cardAttachment>) {
    await adapter.continueConversationAsync(appId, reference as Partial<ConversationReference>, async (ctx) => {
      await ctx.updateActivity({ type: 'message', id: activityId, attachments: [attachment] });
    });
  }

  async function refresh(orgId: string, runId: string, ended: boolean) {
    const cards = await s.conversations.cardsOf(runId);
    if (cards.length === 0) return;
    const run = await s.runs.get(orgId, runId, null);
    for (const card of cards) {
      const name: CardName = card.kind === 'approval' ? 'approval' : 'progress';
      const attachment = name === 'approval' ? cardAttachment('approval', approvalView(run, s.publicUrl)) : cardAttachment('progress', progressView(run, s.publicUrl, orgId, { shared: true }));
      const key = `${card.conversationId}:${card.activityId}`;
      const hash = createHash('sha256').update(JSON.stringify(attachment.content)).digest('hex');
      if (shown.get(key) === hash) continue;
      try {
        await update(card.reference, card.activityId, attachment);
        shown.set(key, hash);
      } catch (err) {
        log.warn({ err, runId, conversationId: card.conversationId }, 'could not update a run card');
      }
    }
    // A run that has ended changes no more (a retry or undo would only send its cards once more): forget them.
    if (FINISHED_STATES.includes(run.state)) for (const card of cards) shown.delete(`${card.conversationId}:${card.activityId}`);
    if (ended) {
      for (const card of cards.filter((c) => c.kind === 'progress')) {
        await post(card.reference, completionCard(run, orgId)).catch((err: unknown) => log.warn({ err, runId }, 'could not post the completion card'));
      }
    }
  }

  function completionCard(run: Run, orgId: string) {
    const failed = run.steps.some((x) => x.phase === 'do' && x.state === 'failed');
    if (failed) {
      return cardAttachment('progress', progressView(run, s.publicUrl, orgId, { shared: true, only: (x) => x.state === 'failed', title: `Offboarding ${run.person.displayName} needs attention: ${run.counts.failed} step${run.counts.failed === 1 ? '' : 's'} failed` }));
    }
    return cardAttachment('progress', progressView(run, s.publicUrl, orgId, { shared: true, only: () => false, title: `Offboarding ${run.person.displayName} is finished` }));
  }

  /** One refresh at a time per run; events arriving meanwhile ask for one more (the latest state). */
  function schedule(e: RunEvent) {
    // A run ended: a completion card follows (not for a rejection: the progress card says it).
    const completes = e.type === RUN_EVENTS.finished || e.type === RUN_EVENTS.cancelled || e.type === RUN_EVENTS.undone;
    const entry = busy.get(e.runId);
    if (entry) {
      entry.again = true;
      entry.completes ||= completes;
      return;
    }
    const mine = { again: true, completes, orgId: e.orgId };
    busy.set(e.runId, mine);
    void (async () => {
      try {
        while (mine.again) {
          const complete = mine.completes;
          mine.again = false;
          mine.completes = false;
          await refresh(mine.orgId, e.runId, complete);
        }
      } catch (err) {
        log.warn({ err, runId: e.runId }, 'could not refresh the run cards');
      } finally {
        busy.delete(e.runId);
      }
    })();
  }

  return {
    /** The bot as a notification channel: a notice goes to the recipient's personal chat, if they have one. */
    channel: {
      async deliver(n: Notification): Promise<'delivered' | 'unreachable'> {
        const chat = n.recipientObjectId ? await s.conversations.personalChatOf(n.recipientObjectId) : null;
        if (!chat) return 'unreachable';
        const link = n.link ? (n.link.startsWith('/') ? `${s.publicUrl}${n.link}` : n.link) : null;
        await post(chat.reference, { type: 'message', textFormat: 'markdown', text: `**${n.title}**\n\n${n.body}${link ? `\n\n[Open in Offramp](${link})` : ''}` });
        return 'delivered';
      },
    } satisfies NotificationChannel,
    /** The bot as the digest's sender: the leaver queue of the next 7 days, as a card. */
    digests: {
      async send(c: { orgId: string; reference: Record<string, unknown>; timeZone: string | null }) {
        const org = await s.orgs.getOrganisation(c.orgId);
        const view = await leaversView(s, { orgId: c.orgId, orgName: org.name }, 7, c.timeZone ?? 'UTC');
        await post(c.reference, cardAttachment('runs', { ...view, title: `Good morning: leaving ${org.name} in the next 7 days` }));
      },
    } satisfies DigestSender,
    /** Sends the approval card to every approver with a personal chat (not the requester). Returns how many. */
    async requestApproval(orgId: string, run: Run, requesterUserId: string): Promise<number> {
      const chats = await s.conversations.personalChatsOf(orgId, 'offboarding.approve', requesterUserId);
      let sent = 0;
      for (const chat of chats) {
        try {
          const id = await post(chat.reference, cardAttachment('approval', approvalView(run, s.publicUrl)));
          if (id) await s.conversations.saveCard({ runId: run.id, orgId, conversationId: chat.conversationId, activityId: id, kind: 'approval' });
          sent++;
        } catch (err) {
          log.warn({ err, runId: run.id, conversationId: chat.conversationId }, 'could not send the approval request');
        }
      }
      return sent;
    },
    /** A run event: its cards are refreshed (the step event of a finished run waits for the finished event). */
    onRunEvent(e: RunEvent): void {
      if (FINISHED_STATES.includes(e.state) && e.type === RUN_EVENTS.step) return;
      schedule(e);
    },
    /** Resolves when no refresh is in flight (tests and shutdown). */
    async idle(): Promise<void> {
      while (busy.size) await new Promise((r) => setTimeout(r, 20));
    },
  };
}

export type Notifier = ReturnType<typeof createNotifier>;
