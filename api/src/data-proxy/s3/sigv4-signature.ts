// The signature a SigV4 request should carry, computed with the AWS SDK's own
// signer (@smithy/signature-v4) over the request as it was received — the path
// exactly as sent (S3 does not encode the path a second time), the query, and
// only the headers the client listed as signed — and compared in constant time.
//
// Also the per-chunk and trailer signatures of aws-chunked uploads, which chain
// from the request's (seed) signature. They are written by hand: SDKs sign
// chunks on the client side only, and no library verifies them on a server. The
// strings each link signs are S3's (sigv4-streaming in the S3 API reference);
// the tests check them against AWS's published example.
import { createHash, createHmac } from 'node:crypto';
import { Hash } from '@smithy/hash-node';
import { getSigningKey, SignatureV4 } from '@smithy/signature-v4';
import { sameSecret } from '@meridian/core/crypto/same-secret';
import { headerOf, type ReceivedRequest, type SigV4Claim } from './sigv4-request.ts';

const sha256 = Hash.bind(null, 'sha256');
const EMPTY_SHA256 = createHash('sha256').digest('hex');

interface Candidate {
  host: string | undefined;
  path: string;
}

/**
 * The (host, path) pairs a client may have signed. The first is the request as
 * sent. The second is GDAL's: with AWS_S3_ENDPOINT=127.0.0.1:3000/data, GDAL
 * (checked with 3.6) puts the whole endpoint into the signed host
 * (`host:127.0.0.1:3000/data`) and signs the path without the mount
 * (`/bucket/key`), while sending `Host: 127.0.0.1:3000` and `/data/bucket/key`.
 * Accepting that form weakens nothing: the signature still covers the method,
 * the mount, bucket, key, query and every signed header, and only the holder of
 * the secret can produce it.
 */
function candidates(request: ReceivedRequest, mount: string): Candidate[] {
  const host = headerOf(request, 'host');
  const sent = { host, path: request.path };
  if (mount === '' || !request.path.startsWith(`${mount}/`)) return [sent];
  return [sent, { host: host === undefined ? undefined : `${host}${mount}`, path: request.path.slice(mount.length) }];
}

/** The signature the claim's key would have produced over one candidate form of the request. */
async function expectedSignature(claim: SigV4Claim, request: ReceivedRequest, secret: string, candidate: Candidate): Promise<string> {
  const signed = new Set(claim.signedHeaders);
  const headers: Record<string, string> = {};
  for (const name of signed) {
    const value = name === 'host' ? candidate.host : headerOf(request, name);
    if (value !== undefined) headers[name] = value;
  }
  // The signer reads the payload hash from this header, and adds x-amz-date itself
  // (from signingDate); neither may enter the canonical headers unless signed.
  headers['x-amz-content-sha256'] = claim.payloadHash;
  const unsignable = new Set(['x-amz-content-sha256', 'x-amz-date'].filter((name) => !signed.has(name)));
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of request.query) {
    const held = query[name];
    query[name] = held === undefined ? value : Array.isArray(held) ? [...held, value] : [held, value];
  }
  const signer = new SignatureV4({
    service: 's3', region: claim.region, sha256, uriEscapePath: false, applyChecksum: false,
    credentials: { accessKeyId: claim.accessKeyId, secretAccessKey: secret },
  });
  const toSign = { method: request.method, protocol: 'http:', hostname: 'unused', path: candidate.path, query, headers } as Parameters<SignatureV4['presign']>[0];
  const result = await signer.sign(toSign, { signingDate: new Date(claim.signedAt), signableHeaders: signed, unsignableHeaders: unsignable });
  const authorization = String(result.headers.authorization ?? '');
  return authorization.slice(authorization.lastIndexOf('Signature=') + 'Signature='.length);
}

/** Whether the claim's signature is the one its key produces over this request, under `mount` (e.g. `/data`). */
export async function signatureMatches(claim: SigV4Claim, request: ReceivedRequest, secret: string, mount: string): Promise<boolean> {
  let matched = false;
  // Every candidate is computed and compared, so the time taken does not tell which one matched.
  for (const candidate of candidates(request, mount)) {
    if (sameSecret(claim.signature, await expectedSignature(claim, request, secret, candidate))) matched = true;
  }
  return matched;
}

/** What aws-chunked verification needs: the scope's signing key and the strings' fixed parts. */
export interface ChunkSigning {
  key: Uint8Array;
  amzDate: string;
  scope: string;
  seed: string;
}

export async function chunkSigning(claim: SigV4Claim, secret: string): Promise<ChunkSigning> {
  const key = await getSigningKey(sha256, { accessKeyId: claim.accessKeyId, secretAccessKey: secret }, claim.amzDate.slice(0, 8), claim.region, 's3');
  return { key, amzDate: claim.amzDate, scope: claim.scope, seed: claim.signature };
}

const hmacHex = (key: Uint8Array, text: string) => createHmac('sha256', key).update(text, 'utf8').digest('hex');

/** A chunk's signature: it signs the previous one and the chunk's SHA-256 (hex). */
export function chunkSignature(signing: ChunkSigning, previous: string, chunkSha256: string): string {
  return hmacHex(signing.key, ['AWS4-HMAC-SHA256-PAYLOAD', signing.amzDate, signing.scope, previous, EMPTY_SHA256, chunkSha256].join('\n'));
}

/** The trailer's signature: it signs the final chunk's and the SHA-256 of the trailing headers, each `name:value\n`. */
export function trailerSignature(signing: ChunkSigning, previous: string, trailers: [string, string][]): string {
  const canonical = trailers.map(([name, value]) => `${name}:${value}\n`).join('');
  const digest = createHash('sha256').update(canonical, 'utf8').digest('hex');
  return hmacHex(signing.key, ['AWS4-HMAC-SHA256-TRAILER', signing.amzDate, signing.scope, previous, digest].join('\n'));
}
