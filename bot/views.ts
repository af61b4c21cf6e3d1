import { DateTime } from 'luxon';
import { RUN_STATE_LABEL, STEP_STATE_LABEL, type Preview, type Run, type RunState, type RunStep, type RunSummary, type When } from '../server/offboarding/contract.js';
import type { ApprovalView, PreviewView, ProgressView, RunsView } from './cards/render.js';

/** How runs, previews and steps read on the bot's cards. */


const STATE_COLOUR: Partial<Record<RunState, string>> = { succeeded: 'Good', undone: 'Good', failed: 'Attention', partially_failed: 'Attention', rejected: 'Attention', partially_undone: 'Warning', running: 'Accent', undoing: 'Accent' };

const STEP_ICON: Record<RunStep['state'], { icon: string; colour: string }> = {
  pending: { icon: '○', colour: 'Default' },
  running: { icon: '◔', colour: 'Accent' },
  succeeded: { icon: '✔', colour: 'Good' },
  failed: { icon: '✖', colour: 'Attention' },
  skipped: { icon: '↷', colour: 'Warning' },
  cancelled: { icon: '■', colour: 'Default' },
};

export const runLink = (publicUrl: string, runId: string) => `${publicUrl}/tabs/offboardings/${runId}`;
export const pdfLink = (publicUrl: string, orgId: string, runId: string) => `${publicUrl}/api/v1/orgs/${orgId}/offboarding/runs/${runId}/report.pdf`;

export function whenLabel(when: When, scheduledAt: string | null, timeZone: string): string {
  if (when.kind === 'now') return 'Now, once approved';
  const zone = when.timeZone || timeZone;
  const at = scheduledAt ? DateTime.fromISO(scheduledAt).setZone(zone) : DateTime.fromISO(when.at, { zone });
  return `${at.toFormat("cccc d LLLL yyyy 'at' HH:mm")} (${zone})`;
}

function seconds(from: string | null, to: string | null): string {
  if (!from) return '';
  const ms = (to ? Date.parse(to) : Date.now()) - Date.parse(from);
  return ms < 60_000 ? `${Math.max(0, Math.round(ms / 100) / 10)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function previewView(p: Preview, o: { tenant: string; tenantRef: string; whenLabel: string; whenText: string; approval: string }): PreviewView {
  return {
    person: p.person.displayName,
    upn: p.person.userPrincipalName,
    tenant: o.tenant,
    tenantRef: o.tenantRef,
    when: o.whenLabel,
    whenText: o.whenText,
    approval: o.approval,
    warnings: [...p.warnings, ...p.steps.flatMap((s) => s.warnings.map((w) => `${s.title}: ${w}`))],
    steps: p.steps.map((s, i) => ({
      n: i + 1,
      title: s.title,
      summary: s.summary,
      detail: s.items.length ? s.items.slice(0, 12).map((x) => x.label).join(', ') + (s.items.length > 12 ? ` and ${s.items.length - 12} more` : '') : '',
      blocked: s.blocked ?? '',
    })),
    employeeId: p.person.employeeId,
    submitTitle: o.approval.startsWith('Not needed') ? 'Offboard' : 'Ask for approval',
  };
}

export function approvalView(run: Run, publicUrl: string, note = ''): ApprovalView {
  const open = run.state === 'awaiting_approval';
  const at = run.decidedAt ? DateTime.fromISO(run.decidedAt).toUTC().toFormat("d LLL yyyy HH:mm 'UTC'") : '';
  let decision = '';
  let decisionColour: ApprovalView['decisionColour'] = 'Default';
  if (run.state === 'rejected') {
    decision = `Rejected by ${run.approvedBy?.name ?? 'an approver'} on ${at}: ${run.rejectionReason ?? ''}`;
    decisionColour = 'Attention';
  } else if (run.approvedBy) {
    decision = `Approved by ${run.approvedBy.name} on ${at}. The run is ${RUN_STATE_LABEL[run.state].toLowerCase()}.`;
    decisionColour = 'Good';
  } else if (!open) decision = `This run is ${RUN_STATE_LABEL[run.state].toLowerCase()}: there is nothing to decide.`;
  return {
    runId: run.id,
    person: run.person.displayName,
    upn: run.person.userPrincipalName,
    tenant: run.tenant.displayName,
    requestedBy: run.requestedBy.name,
    when: whenLabel(run.when, run.scheduledAt, 'UTC'),
    stepList: run.steps.filter((s) => s.phase === 'do').map((s) => s.title).join(', '),
    decision,
    decisionColour,
    open,
    note,
    link: runLink(publicUrl, run.id),
  };
}

const FINISHED = new Set<RunState>(['succeeded', 'failed', 'partially_failed', 'cancelled', 'rejected', 'undone', 'partially_undone']);

/**
 * The progress card; `only` narrows the step list (the failure card lists the failed steps).
 * `shared`: a card everyone in a chat sees (posted by the bot, not an answer to one person): it
 * offers Retry and Cancel whenever the run allows them, and the button checks the presser's role.
 */
export function progressView(run: Run, publicUrl: string, orgId: string, opts: { only?: (s: RunStep) => boolean; title?: string; shared?: boolean } = {}): ProgressView {
  const undoing = run.steps.some((s) => s.phase === 'undo');
  const steps = run.steps.filter((s) => s.phase === (undoing ? 'undo' : 'do')).filter(opts.only ?? (() => true));
  const done = run.steps.filter((s) => s.phase === 'do' && s.state === 'succeeded').length;
  const total = run.steps.filter((s) => s.phase === 'do').length;
  const finished = FINISHED.has(run.state);
  let summary = '';
  if (run.state === 'succeeded') summary = `Done: all ${total} steps succeeded in ${seconds(run.startedAt, run.finishedAt)}.`;
  else if (run.state === 'partially_failed' || run.state === 'failed') summary = `${done} of ${total} steps succeeded; ${run.counts.failed} failed. Retry the failed steps when the cause is fixed.`;
  else if (run.state === 'rejected') summary = `Rejected by ${run.approvedBy?.name ?? 'an approver'}: ${run.rejectionReason ?? ''}`;
  else if (run.state === 'cancelled') summary = 'Cancelled: the steps that had not started were not run.';
  else if (run.state === 'awaiting_approval') summary = 'Waiting for an Admin or Owner to approve.';
  else if (run.state === 'scheduled') summary = `Scheduled for ${whenLabel(run.when, run.scheduledAt, 'UTC')}.`;
  return {
    runId: run.id,
    title: opts.title ?? `Offboarding ${run.person.displayName}: ${RUN_STATE_LABEL[run.state]}`,
    subtitle: `${run.person.userPrincipalName} · ${run.tenant.displayName} · asked by ${run.requestedBy.name}${run.approvedBy ? ` · approved by ${run.approvedBy.name}` : ''}`,
    steps: steps.map((s) => {
      const look = STEP_ICON[s.state];
      const note = s.state === 'failed' ? s.error ?? '' : s.state === 'skipped' || s.state === 'cancelled' ? s.skippedReason ?? '' : s.result?.summary ?? '';
      const elapsed = s.state === 'running' || s.finishedAt ? seconds(s.startedAt, s.finishedAt) : '';
      const status = STEP_STATE_LABEL[s.state];
      return { icon: look.icon, colour: look.colour, title: s.title, status: elapsed ? `${status} · ${elapsed}` : status, note, noteColour: s.state === 'failed' ? 'Attention' : 'Default' };
    }),
    summary,
    summaryColour: STATE_COLOUR[run.state] ?? 'Default',
    canRetry: opts.shared ? run.steps.some((x) => x.phase === 'do' && x.state === 'failed') && (run.state === 'failed' || run.state === 'partially_failed') : run.allowed.retry,
    canCancel: opts.shared ? ['awaiting_approval', 'scheduled', 'running'].includes(run.state) && !run.cancelRequestedAt : run.allowed.cancel,
    pdf: finished && run.startedAt ? pdfLink(publicUrl, orgId, run.id) : '',
    link: runLink(publicUrl, run.id),
  };
}

export function runsView(title: string, empty: string, runs: RunSummary[], publicUrl: string): RunsView {
  return {
    title,
    empty,
    rows: runs.map((r) => ({
      name: `${r.person.displayName} (${r.person.userPrincipalName})`,
      detail: `${r.tenant.displayName} · ${whenLabel(r.when, r.scheduledAt, 'UTC')} · ${r.counts.succeeded}/${r.counts.total} steps · id ${r.id.slice(0, 8)}`,
      status: RUN_STATE_LABEL[r.state],
      colour: STATE_COLOUR[r.state] ?? 'Default',
      link: runLink(publicUrl, r.id),
    })),
  };
}
