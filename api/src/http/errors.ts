import type { ErrorRequestHandler, RequestHandler } from 'express';
import { DomainError, TooManyRequestsError } from '@meridian/core/errors';

/** The OGC API error body: `{ code, description }`. */
export function errorBody(code: string, description: string) {
  return { code, description };
}

export const notFound: RequestHandler = (req, res) => {
  res.status(404).json(errorBody('NotFound', `no resource at ${req.method} ${req.path}`));
};

/** Maps domain errors to their status; anything else is a 500 that hides its details. */
export const errorHandler: ErrorRequestHandler = (error, req, res, _next) => {
  if (error instanceof DomainError) {
    if (error instanceof TooManyRequestsError) res.set('Retry-After', String(error.retryAfterSeconds));
    res.status(error.status).json(errorBody(error.code, error.message));
    return;
  }
  // body-parser and friends mark client mistakes with a 4xx status.
  const status = typeof error?.status === 'number' && error.status >= 400 && error.status < 500 ? error.status : 500;
  if (status < 500) {
    const description = error.type === 'entity.parse.failed' ? `the request body is not valid JSON: ${error.message}`
      : error.type === 'entity.too.large' ? `the request body is larger than ${error.limit} bytes` : String(error.message);
    res.status(status).json(errorBody('InvalidParameterValue', description));
    return;
  }
  req.log.error({ err: error }, 'request failed');
  res.status(500).json(errorBody('ServerError', `internal error; quote request id ${String(req.id)} when reporting it`));
};
