import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Paths never written to the logs: credentials, tokens and webhook URLs.
 * Child loggers inherit the redaction.
 */
export const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.secret',
  '*.clientSecret',
  '*.privateKeyPem',
  '*.privateKey',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.webhookUrl',
  '*.connectionString',
];

export function createLogger(opts: { level: string; pretty: boolean }): Logger {
  return pino({
    level: opts.level,
    redact: { paths: redactPaths, censor: '[redacted]' },
    base: { app: 'offramp' },
    ...(opts.pretty ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l' } } } : {}),
  });
}
