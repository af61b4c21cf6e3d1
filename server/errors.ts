/**
 * Errors by who is at fault.
 * - UserError: the caller's input or state; mapped to a 4xx naming what is wrong.
 * - OperationalError: the world misbehaved (a store or service is down); retried, then a 503.
 * - anything else is a bug: a 500, logged with context, its message not shown.
 */

export type ErrorDetails = Record<string, unknown> | unknown[] | undefined;

export class UserError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: ErrorDetails,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

export const badRequest = (code: string, message: string, details?: ErrorDetails) =>
  new UserError(400, code, message, details);
export const notFound = (what: string) => new UserError(404, 'not_found', `${what} was not found.`);

export class OperationalError extends Error {
  constructor(
    readonly code: string,
    message: string,
    opts?: { cause?: unknown; retryAfterSeconds?: number },
  ) {
    super(message, opts?.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'OperationalError';
    this.retryAfterSeconds = opts?.retryAfterSeconds;
  }
  readonly retryAfterSeconds: number | undefined;
}
