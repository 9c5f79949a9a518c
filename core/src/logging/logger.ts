import { pino, type Logger } from 'pino';

export type { Logger };

/** JSON logs on stdout; credentials in request headers are never written. */
export function createLogger(level: string, name = 'meridian'): Logger {
  return pino({
    name,
    level,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]', 'req.headers["x-csrf-token"]', 'res.headers["set-cookie"]'],
      censor: '[redacted]',
    },
  });
}
