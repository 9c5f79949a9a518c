// Errors under /data are S3 errors, whatever raised them, so that S3 clients
// (the AWS CLI, boto3, GDAL, rclone…) understand every refusal:
//
//   <Error><Code>NoSuchKey</Code><Message>…</Message><Resource>…</Resource><RequestId>…</RequestId></Error>
//
// This is the one module that writes them. Handlers throw an S3Error (or a
// domain error from core, mapped here by its status); the router's last handler
// is s3ErrorHandler. A reply to HEAD has no body, nor does 304; the request id
// also goes out as x-amz-request-id, as S3 sends it.
//
// What a hidden repository answers is left to whoever throws: the access rule's
// 404 must read exactly like a missing object, so 404s carry S3's fixed message,
// never the domain error's text.
import type { ErrorRequestHandler, Request, Response } from 'express';
import { DomainError, TooManyRequestsError } from '@meridian/core/errors';
import { s3Xml, XML_TYPE } from './s3-xml.ts';

/** The S3 error codes the data proxy uses, with their HTTP status and S3's own wording. */
export const S3_ERRORS = {
  AccessDenied: [403, 'Access Denied'],
  AuthorizationHeaderMalformed: [400, 'The authorization header is malformed.'],
  AuthorizationQueryParametersError: [400, 'Error parsing the X-Amz-Credential parameter.'],
  BadDigest: [400, 'The Content-MD5 or checksum you specified did not match what we received.'],
  EntityTooLarge: [400, 'Your proposed upload exceeds the maximum allowed object size.'],
  EntityTooSmall: [400, 'Your proposed upload is smaller than the minimum allowed object size.'],
  IncompleteBody: [400, 'You did not provide the number of bytes specified by the Content-Length HTTP header.'],
  InternalError: [500, 'We encountered an internal error. Please try again.'],
  InvalidAccessKeyId: [403, 'The AWS access key ID you provided does not exist in our records.'],
  InvalidArgument: [400, 'Invalid Argument'],
  InvalidDigest: [400, 'The Content-MD5 or checksum you specified is not valid.'],
  InvalidPart: [400, 'One or more of the specified parts could not be found.'],
  InvalidPartOrder: [400, 'The list of parts was not in ascending order.'],
  InvalidRange: [416, 'The requested range is not satisfiable'],
  InvalidRequest: [400, 'Invalid Request'],
  KeyTooLongError: [400, 'Your key is too long.'],
  MalformedXML: [400, 'The XML you provided was not well-formed or did not validate against our published schema.'],
  MethodNotAllowed: [405, 'The specified method is not allowed against this resource.'],
  MissingContentLength: [411, 'You must provide the Content-Length HTTP header.'],
  NoSuchBucket: [404, 'The specified bucket does not exist'],
  NoSuchKey: [404, 'The specified key does not exist.'],
  NoSuchUpload: [404, 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.'],
  NotImplemented: [501, 'A header you provided implies functionality that is not implemented.'],
  NotModified: [304, 'Not Modified'],
  OperationAborted: [409, 'A conflicting conditional operation is currently in progress against this resource. Try again.'],
  PreconditionFailed: [412, 'At least one of the pre-conditions you specified did not hold'],
  RequestTimeTooSkewed: [403, 'The difference between the request time and the server\'s time is too large.'],
  SignatureDoesNotMatch: [403, 'The request signature we calculated does not match the signature you provided. Check your key and signing method.'],
  SlowDown: [503, 'Please reduce your request rate.'],
  XAmzContentSHA256Mismatch: [400, 'The provided \'x-amz-content-sha256\' header does not match what was computed.'],
} as const satisfies Record<string, readonly [number, string]>;

export type S3ErrorCode = keyof typeof S3_ERRORS;

export interface S3ErrorOptions {
  /** Overrides the code's usual status (e.g. 401 for an anonymous caller the access rule refuses). */
  status?: number;
  /** Further elements of the error document, as S3 adds them (`Key`, `BucketName`, `Condition`, `ActualObjectSize`…). */
  details?: Record<string, string>;
  /** Response headers to send with the error (`Allow`, `Retry-After`, `WWW-Authenticate`…). */
  headers?: Record<string, string>;
}

export class S3Error extends Error {
  readonly code: S3ErrorCode;
  readonly status: number;
  readonly details: Record<string, string>;
  readonly headers: Record<string, string>;
  /** Without a message, S3's own wording for the code. */
  constructor(code: S3ErrorCode, message?: string, options: S3ErrorOptions = {}) {
    super(message ?? S3_ERRORS[code][1]);
    this.name = 'S3Error';
    this.code = code;
    this.status = options.status ?? S3_ERRORS[code][0];
    this.details = options.details ?? {};
    this.headers = options.headers ?? {};
  }
}

/**
 * The S3 error for anything thrown under /data. Domain errors keep their status
 * and message (a 404 takes `notFound`, with S3's fixed wording); client errors
 * from body parsers keep theirs; anything else is undefined — an internal error.
 */
export function toS3Error(error: unknown, notFound: 'NoSuchKey' | 'NoSuchBucket' = 'NoSuchKey'): S3Error | undefined {
  if (error instanceof S3Error) return error;
  if (error instanceof DomainError) {
    switch (error.status) {
      case 400: return new S3Error('InvalidArgument', error.message);
      case 401: return new S3Error('AccessDenied', error.message, { status: 401 });
      case 403: return new S3Error('AccessDenied', error.message);
      case 404: return new S3Error(notFound);
      case 409: return new S3Error('OperationAborted', error.message);
    }
    if (error instanceof TooManyRequestsError) return new S3Error('SlowDown', error.message, { headers: { 'Retry-After': String(error.retryAfterSeconds) } });
    return undefined;
  }
  const status = (error as { status?: unknown })?.status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const type = (error as { type?: unknown }).type;
    if (type === 'entity.too.large') return new S3Error('EntityTooLarge', undefined, { status });
    return new S3Error('InvalidRequest', String((error as Error).message), { status });
  }
  return undefined;
}

/** The request id pino-http gave the request (also in X-Request-Id). */
const requestIdOf = (req: Request) => String(req.id ?? '');

/** Sends `error` as S3 does; when the body has already begun, all that is left is to cut the connection. */
export function sendS3Error(req: Request, res: Response, error: S3Error): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  // Headers meant for the object (Content-Range, ETag…) must not describe the error.
  for (const name of res.getHeaderNames()) {
    if (!KEEP_ON_ERROR.has(name)) res.removeHeader(name);
  }
  res.status(error.status);
  res.set({ 'x-amz-request-id': requestIdOf(req), 'Cache-Control': 'no-store', ...error.headers });
  if (error.status === 304) {
    res.end();
    return;
  }
  const xml = s3Xml('Error', {
    Code: error.code, Message: error.message, ...error.details, Resource: req.originalUrl.split('?')[0], RequestId: requestIdOf(req),
  }, { namespace: false });
  // The headers of the document, for HEAD too, which Node then sends without the body.
  res.set({ 'Content-Type': `${XML_TYPE}; charset=utf-8`, 'Content-Length': String(Buffer.byteLength(xml)) });
  res.end(xml);
}

/** Set before a route runs (CORS, request id, security headers): they hold for the error too. */
const KEEP_ON_ERROR = new Set([
  'x-request-id', 'access-control-allow-origin', 'access-control-expose-headers', 'access-control-allow-credentials', 'vary',
  'content-security-policy', 'x-content-type-options', 'www-authenticate',
]);

/** The data proxy's last handler: every error as an S3 error document. */
export const s3ErrorHandler: ErrorRequestHandler = (error, req, res, _next) => {
  const s3 = toS3Error(error);
  if (!s3) req.log?.error({ err: error }, 'data proxy request failed');
  sendS3Error(req, res, s3 ?? new S3Error('InternalError', `internal error; quote request id ${requestIdOf(req)} when reporting it`));
};
