import { EventEmitter } from 'node:events';
import type { RunState } from './contract.js';

/**
 * What happens to runs, as it happens: the Run page's live stream, the bot's progress cards and
 * the integrations listen here. Every state change of a run or a step is one event. In one
 * process; other replicas' changes reach the Run page through its stream's database check.
 */

export const RUN_EVENTS = {
  created: 'run.created',
  approvalRequested: 'run.approval_requested',
  scheduled: 'run.scheduled',
  rejected: 'run.rejected',
  started: 'run.started',
  step: 'run.step',
  finished: 'run.finished',
  cancelled: 'run.cancelled',
  undoStarted: 'run.undo_started',
  undone: 'run.undone',
  changed: 'run.changed',
} as const;
export type RunEventType = (typeof RUN_EVENTS)[keyof typeof RUN_EVENTS];

export interface RunEvent {
  type: RunEventType;
  orgId: string;
  runId: string;
  state: RunState;
  stepId?: string;
  at: string;
}

export class RunEvents {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  emit(e: Omit<RunEvent, 'at'>): void {
    this.emitter.emit('event', { ...e, at: new Date().toISOString() } satisfies RunEvent);
  }

  /** Listens to every event; returns the function that stops listening. */
  on(listener: (e: RunEvent) => void): () => void {
    const safe = (e: RunEvent) => {
      try {
        listener(e);
      } catch {
        // a listener's fault must not stop a run
      }
    };
    this.emitter.on('event', safe);
    return () => this.emitter.off('event', safe);
  }
}
