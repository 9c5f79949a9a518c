// What a SigV4-signed request claims, read from the Authorization header or from
// a presigned URL's query, and checked for form and time before any key is
// looked up: the credential scope (any region; the service must be s3), the
// signing time against the app's clock (±15 minutes, as S3 allows), a presigned
// URL's expiry (at most 7 days), and the payload mode of x-amz-content-sha256.
// Errors carry S3's codes, so that SDKs, the CLI and GDAL report them as S3 would.
import type { Request } from 'express';
import { S3Error } from '../s3-error.ts';

/** The request as it arrived: raw path, decoded query pairs in order, header values by lower-case name. */
export interface ReceivedRequest {
  method: string;
  /** Percent-encoded as the client sent it, the mount (`/data`) included. */
  path: string;
  query: [string, string][];
  headers: Map<string, string[]>;
}

export type PayloadMode =
  | { kind: 'unsigned' } //                      UNSIGNED-PAYLOAD
  | { kind: 'sha256'; hex: string } //           the body's SHA-256, verified as it streams
  | { kind: 'chunked'; signed: boolean; trailer: boolean }; // STREAMING-…: aws-chunked body

export interface SigV4Claim {
  via: 'header' | 'query';
  accessKeyId: string;
  /** `YYYYMMDD/region/s3/aws4_request` */
  scope: string;
  region: string;
  /** `YYYYMMDDTHHMMSSZ`, as signed. */
  amzDate: string;
  signedAt: number;
  signedHeaders: string[];
  signature: string;
  /** What goes into the canonical request's last line. */
  payloadHash: string;
  payload: PayloadMode;
}

export const MAX_SKEW_MS = 15 * 60_000;
export const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;
const ALGORITHM = 'AWS4-HMAC-SHA256';
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const HEX_SHA256 = /^[0-9a-f]{64}$/;
const SIGNATURE = /^[0-9a-f]{64}$/;

/** Duplicate headers joined by commas, as SigV4 canonicalises them (Node would join with ", "). */
export function receivedRequest(req: Request): ReceivedRequest {
  const [path, rawQuery = ''] = splitOnce(req.originalUrl, '?');
  const headers = new Map<string, string[]>();
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i].toLowerCase();
    headers.set(name, [...(headers.get(name) ?? []), req.rawHeaders[i + 1]]);
  }
  return { method: req.method, path, query: parseQuery(rawQuery), headers };
}

export const headerOf = (request: ReceivedRequest, name: string): string | undefined => request.headers.get(name)?.join(',');
export const queryOf = (request: ReceivedRequest, name: string): string | undefined => request.query.find(([key]) => key === name)?.[1];

function splitOnce(text: string, separator: string): [string, string?] {
  const at = text.indexOf(separator);
  return at < 0 ? [text] : [text.slice(0, at), text.slice(at + 1)];
}

/** `a=1&b&c=%20` → [['a','1'],['b',''],['c',' ']]; `+` stays a plus, as SigV4 clients encode a space as %20. */
function parseQuery(raw: string): [string, string][] {
  const pairs: [string, string][] = [];
  for (const piece of raw.split('&')) {
    if (piece === '') continue;
    const [name, value = ''] = splitOnce(piece, '=');
    try {
      pairs.push([decodeURIComponent(name), decodeURIComponent(value)]);
    } catch {
      throw new S3Error('InvalidArgument', `the query parameter ${JSON.stringify(piece.slice(0, 60))} is not valid percent-encoding`);
    }
  }
  return pairs;
}

/** Whether the request is signed with SigV4 (or tries to be: any other AWS scheme is refused, not ignored). */
export function carriesSigV4(request: ReceivedRequest): boolean {
  const authorization = headerOf(request, 'authorization') ?? '';
  return /^AWS4?[- ]/.test(authorization) || queryOf(request, 'X-Amz-Algorithm') !== undefined || queryOf(request, 'AWSAccessKeyId') !== undefined;
}

/** The claim of a request that carriesSigV4, checked for form and time against `now`; throws the S3 error S3 would. */
export function parseSigV4(request: ReceivedRequest, now: number): SigV4Claim {
  const authorization = headerOf(request, 'authorization');
  const presigned = queryOf(request, 'X-Amz-Algorithm') !== undefined || queryOf(request, 'X-Amz-Signature') !== undefined;
  if (authorization !== undefined && presigned) {
    throw new S3Error('InvalidArgument', 'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified');
  }
  if (authorization === undefined && !presigned) {
    throw new S3Error('AccessDenied', 'Signature Version 2 is not supported: sign requests with AWS4-HMAC-SHA256 (Signature Version 4)');
  }
  return authorization !== undefined ? fromHeader(request, authorization, now) : fromQuery(request, now);
}

function fromHeader(request: ReceivedRequest, authorization: string, now: number): SigV4Claim {
  const malformed = (why: string) => new S3Error('AuthorizationHeaderMalformed', `The authorization header is malformed; ${why}`);
  if (!authorization.startsWith(`${ALGORITHM} `)) {
    throw new S3Error('InvalidRequest', `The authorization mechanism you have provided is not supported. Please use ${ALGORITHM}.`);
  }
  const fields = new Map<string, string>();
  for (const part of authorization.slice(ALGORITHM.length + 1).split(',')) {
    const [name, value] = splitOnce(part.trim(), '=');
    if (value !== undefined) fields.set(name, value);
  }
  const credential = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (credential === undefined || signedHeaders === undefined || signature === undefined) {
    throw malformed('it needs Credential, SignedHeaders and Signature.');
  }
  const amzDate = headerOf(request, 'x-amz-date');
  const claim = commonClaim('header', { credential, signedHeaders, signature, amzDate }, malformed);
  if (!claim.signedHeaders.includes('x-amz-date')) throw malformed('x-amz-date must be among the SignedHeaders.');
  if (Math.abs(claim.signedAt - now) > MAX_SKEW_MS) {
    throw new S3Error('RequestTimeTooSkewed', undefined, {
      details: { RequestTime: claim.amzDate, ServerTime: new Date(now).toISOString(), MaxAllowedSkewMilliseconds: String(MAX_SKEW_MS) },
    });
  }
  const payloadHash = headerOf(request, 'x-amz-content-sha256');
  if (payloadHash === undefined) throw new S3Error('InvalidRequest', 'Missing required header for this request: x-amz-content-sha256');
  return { ...claim, payloadHash, payload: payloadMode(payloadHash) };
}

function fromQuery(request: ReceivedRequest, now: number): SigV4Claim {
  const problem = (message: string) => new S3Error('AuthorizationQueryParametersError', message);
  if (queryOf(request, 'X-Amz-Algorithm') !== ALGORITHM) throw problem(`X-Amz-Algorithm only supports "${ALGORITHM}"`);
  const [credential, amzDate, expires, signedHeaders, signature] =
    ['X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature'].map((name) => queryOf(request, name));
  if (credential === undefined || amzDate === undefined || expires === undefined || signedHeaders === undefined || signature === undefined) {
    throw problem('Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.');
  }
  if (!/^\d{1,7}$/.test(expires)) throw problem('X-Amz-Expires should be a number of seconds');
  const seconds = Number(expires);
  if (seconds > MAX_PRESIGN_SECONDS) throw problem(`X-Amz-Expires must be less than a week (in seconds) that is ${MAX_PRESIGN_SECONDS}`);
  const claim = commonClaim('query', { credential, signedHeaders, signature, amzDate }, problem);
  if (claim.signedAt - now > MAX_SKEW_MS) throw new S3Error('AccessDenied', 'Request is not valid yet');
  const expiresAt = claim.signedAt + seconds * 1000;
  if (now > expiresAt) {
    throw new S3Error('AccessDenied', 'Request has expired', {
      details: { 'X-Amz-Expires': expires, Expires: new Date(expiresAt).toISOString(), ServerTime: new Date(now).toISOString() },
    });
  }
  // Presigned URLs carry no signed payload, unless the signer put one in the query.
  const payloadHash = queryOf(request, 'X-Amz-Content-Sha256') ?? 'UNSIGNED-PAYLOAD';
  const payload = payloadMode(payloadHash);
  if (payload.kind === 'chunked') throw problem('a presigned URL cannot carry a streaming payload');
  return { ...claim, payloadHash, payload };
}

function commonClaim(
  via: 'header' | 'query',
  raw: { credential: string; signedHeaders: string; signature: string; amzDate: string | undefined },
  malformed: (why: string) => S3Error,
): Omit<SigV4Claim, 'payloadHash' | 'payload'> {
  const parts = raw.credential.split('/');
  if (parts.length !== 5 || parts[4] !== 'aws4_request' || !/^\d{8}$/.test(parts[1]) || parts[2] === '' || parts[0] === '') {
    throw malformed('the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".');
  }
  const [accessKeyId, date, region, service] = parts;
  if (service !== 's3') throw malformed(`incorrect service "${service.slice(0, 40)}". This endpoint belongs to "s3".`);
  if (raw.amzDate === undefined) throw new S3Error('AccessDenied', 'AWS authentication requires a valid Date or x-amz-date header');
  const signedAt = parseAmzDate(raw.amzDate);
  if (signedAt === undefined) throw new S3Error('AccessDenied', 'AWS authentication requires a valid Date or x-amz-date header');
  if (raw.amzDate.slice(0, 8) !== date) throw malformed(`Invalid credential date "${date}". This date is not the same as X-Amz-Date: "${raw.amzDate.slice(0, 8)}".`);
  const signedHeaders = raw.signedHeaders.split(';');
  if (signedHeaders.some((name) => name === '' || name !== name.toLowerCase())) throw malformed('SignedHeaders must be lower-case header names separated by ";".');
  if (!signedHeaders.includes('host')) throw malformed('host must be among the SignedHeaders.');
  // Not hex: it cannot match any signature, and is answered as one that does not.
  if (!SIGNATURE.test(raw.signature)) throw new S3Error('SignatureDoesNotMatch', undefined, { details: { AWSAccessKeyId: accessKeyId } });
  return { via, accessKeyId, scope: `${date}/${region}/s3/aws4_request`, region, amzDate: raw.amzDate, signedAt, signedHeaders, signature: raw.signature };
}

function parseAmzDate(text: string): number | undefined {
  const m = AMZ_DATE.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number);
  const at = Date.UTC(year, month - 1, day, hour, minute, second);
  return new Date(at).getUTCDate() === day && hour < 24 && minute < 60 && second < 60 ? at : undefined;
}

function payloadMode(value: string): PayloadMode {
  switch (value) {
    case 'UNSIGNED-PAYLOAD': return { kind: 'unsigned' };
    case 'STREAMING-UNSIGNED-PAYLOAD-TRAILER': return { kind: 'chunked', signed: false, trailer: true };
    case 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD': return { kind: 'chunked', signed: true, trailer: false };
    case 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER': return { kind: 'chunked', signed: true, trailer: true };
  }
  if (HEX_SHA256.test(value)) return { kind: 'sha256', hex: value };
  if (value.startsWith('STREAMING-AWS4-ECDSA')) throw new S3Error('NotImplemented', 'Signature Version 4A (ECDSA) payloads are not supported; sign with AWS4-HMAC-SHA256');
  throw new S3Error('InvalidArgument', 'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER or the lower-case hex SHA-256 of the body', {
    details: { ArgumentName: 'x-amz-content-sha256' },
  });
}
