import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ZodError } from 'zod';
import { OperationalError, UserError } from '../errors.js';

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown; requestId?: string };
}

/** Errors raised by Express's own body parsers carry a `type` and a `status`. */
function bodyParserError(err: unknown): { status: number; type: string } | undefined {
  if (typeof err === 'object' && err !== null && 'type' in err && 'status' in err) {
    const { type, status } = err as { type: unknown; status: unknown };
    if (typeof type === 'string' && typeof status === 'number') return { status, type };
  }
  return undefined;
}

/** The one mapping from errors to HTTP answers: user 4xx, operational 503, bug 500. */
export const errorMiddleware: ErrorRequestHandler = (err, req, res, _next) => {
  const requestId = String(req.id ?? '');
  const send = (status: number, body: ErrorBody['error']) => {
    if (res.headersSent) return;
    res.status(status).json({ error: { ...body, requestId } } satisfies ErrorBody);
  };

  if (err instanceof UserError) {
    const retryAfter = (err.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
    if (err.status === 429 && typeof retryAfter === 'number') res.setHeader('Retry-After', String(retryAfter));
    return send(err.status, { code: err.code, message: err.message, details: err.details });
  }
  if (err instanceof ZodError) {
    return send(400, {
      code: 'invalid_request',
      message: 'The request is invalid: ' + err.issues.map((i) => `${i.path.join('.') || '(body)'} ${i.message}`).join('; '),
      details: err.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  const parser = bodyParserError(err);
  if (parser) {
    if (parser.type === 'entity.too.large') {
      return send(413, { code: 'body_too_large', message: 'The request body is larger than this server accepts.' });
    }
    if (parser.type === 'entity.parse.failed') {
      return send(400, { code: 'invalid_json', message: 'The request body is not valid JSON.' });
    }
    if (parser.status >= 400 && parser.status < 500) {
      return send(parser.status, { code: 'bad_request', message: 'The request body could not be read.' });
    }
  }
  if (err instanceof OperationalError) {
    req.log.warn({ err, code: err.code }, 'operational error');
    if (err.retryAfterSeconds) res.setHeader('Retry-After', String(err.retryAfterSeconds));
    return send(503, { code: err.code, message: err.message });
  }
  req.log.error({ err }, 'unexpected error');
  return send(500, {
    code: 'internal_error',
    message: 'Something went wrong on our side. It has been logged; quote the request id when you report it.',
  });
};

export const apiNotFound: RequestHandler = (req, res) => {
  res.status(404).json({
    error: { code: 'route_not_found', message: `No API route ${req.method} ${req.originalUrl.split('?')[0]}.`, requestId: String(req.id ?? '') },
  } satisfies ErrorBody);
};
