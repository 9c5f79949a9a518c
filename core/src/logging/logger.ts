import { pino, type Logger } from 'pino';

export type { Logger };

/** A presigned URL's signature is a credential for as long as the URL lives. */
const PRESIGNED_SIGNATURE = /([?&]X-Amz-Signature=)[^&#]*/gi;
const SIGNATURE_PARAMETER = /^X-Amz-Signature$/i;

/**
 * pino-http's `req` serializer, applied after the standard one: the request
 * without the signature of a presigned S3 URL, in its URL and in its parsed query.
 */
export function withoutUrlSignature<T extends { url?: string; query?: unknown }>(req: T): T {
  const query = req.query && typeof req.query === 'object'
    ? Object.fromEntries(Object.entries(req.query).map(([name, value]) => [name, SIGNATURE_PARAMETER.test(name) ? '[redacted]' : value]))
    : req.query;
  return Object.assign(req, { url: req.url?.replace(PRESIGNED_SIGNATURE, '$1[redacted]'), query });
}

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
