// The body of a write, as the object store should receive it: aws-chunked
// framing removed (chunk and trailer signatures checked on the way), and every
// checksum the client declared verified as the bytes stream through. Nothing is
// buffered beyond one chunk header; a failure at any stage fails the stream the
// store reads, so the store keeps nothing, and the S3 error of that stage is
// what the client gets.
import type { Readable, Transform } from 'node:stream';
import type { Request, Response } from 'express';
import { S3Error } from '../s3-error.ts';
import { AwsChunkedDecoder } from './aws-chunked-decoder.ts';
import { ChecksumVerifier, checksumExpectations } from './payload-checksums.ts';
import { sigv4Of } from './sigv4-authentication.ts';
import { headerOf, receivedRequest } from './sigv4-request.ts';

export interface UploadBody {
  /** The object's bytes. */
  stream: Readable;
  /** Their number, when the client declared it (Content-Length, or x-amz-decoded-content-length for aws-chunked). */
  contentLength?: number;
  /** Whether the client declared any checksum (DeleteObjects requires one). */
  hasChecksum: boolean;
  /** The x-amz-checksum-* header S3 echoes, once the body has been stored. */
  echo(): Record<string, string>;
  /** Runs the store operation reading `stream`; when a stage of the body failed, rejects with that stage's S3 error. */
  store<T>(operation: Promise<T>): Promise<T>;
}

function lengthHeader(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,15}$/.test(value.trim())) throw new S3Error('InvalidArgument', `${name} must be a number of bytes`, { details: { ArgumentName: name } });
  return Number(value.trim());
}

/** Validates what the request declares about its body (throwing S3's error) before a byte of it is read. */
export function uploadBody(req: Request, res: Response): UploadBody {
  const sigv4 = sigv4Of(req);
  const received = sigv4?.received ?? receivedRequest(req);
  const claim = sigv4?.claim;
  const expectations = checksumExpectations(received, claim);
  const encodings = (headerOf(received, 'content-encoding') ?? '').split(',').map((e) => e.trim().toLowerCase());
  const chunked = claim?.payload.kind === 'chunked' ? claim.payload : undefined;
  if (encodings.includes('aws-chunked') && !chunked) {
    throw new S3Error('InvalidArgument', 'Content-Encoding aws-chunked needs a SigV4 request whose x-amz-content-sha256 is STREAMING-UNSIGNED-PAYLOAD-TRAILER or STREAMING-AWS4-HMAC-SHA256-PAYLOAD(-TRAILER)');
  }
  const stages: Transform[] = [];
  let decoder: AwsChunkedDecoder | undefined;
  let contentLength: number | undefined;
  if (chunked) {
    contentLength = lengthHeader(headerOf(received, 'x-amz-decoded-content-length'), 'x-amz-decoded-content-length');
    if (contentLength === undefined) throw new S3Error('MissingContentLength', 'an aws-chunked body needs x-amz-decoded-content-length, the length of the object');
    decoder = new AwsChunkedDecoder({ signing: sigv4?.chunkSigning, trailer: chunked.trailer, decodedLength: contentLength });
    stages.push(decoder);
  } else {
    contentLength = lengthHeader(headerOf(received, 'content-length'), 'Content-Length');
  }
  const verifier = new ChecksumVerifier(expectations, () => decoder?.trailers ?? new Map());
  stages.push(verifier);

  // Piped by hand rather than with stream.pipeline, which would destroy the
  // request — and with it the socket the S3 error must still be written to.
  // A stage's error is kept (listeners run in order, so before the store hears
  // of it) and ends the stream the store reads.
  let failure: S3Error | undefined;
  const last = stages[stages.length - 1];
  const fail = (error: Error) => {
    if (error instanceof S3Error) failure ??= error;
    if (!last.destroyed) last.destroy(error);
  };
  req.once('error', fail);
  let source: Readable = req;
  for (const stage of stages) {
    stage.once('error', fail);
    source = source.pipe(stage);
  }
  return {
    stream: last,
    contentLength,
    hasChecksum: expectations.md5 !== undefined || expectations.checksum !== undefined,
    echo: () => verifier.echo,
    async store(operation) {
      try {
        return await operation;
      } catch (error) {
        if (!req.complete) {
          // The rest of the body is read and dropped so that the error can be sent; then the connection closes.
          res.shouldKeepAlive = false;
          req.unpipe();
          req.resume();
        }
        throw failure ?? error;
      }
    },
  };
}

/** The whole body of a small XML request (DeleteObjects, CompleteMultipartUpload), verified the same way, up to `limit` bytes. */
export async function smallBody(req: Request, res: Response, limit: number): Promise<{ text: string; hasChecksum: boolean }> {
  const body = uploadBody(req, res);
  const read = (async () => {
    const parts: Buffer[] = [];
    let size = 0;
    for await (const chunk of body.stream) {
      size += (chunk as Buffer).length;
      if (size > limit) {
        body.stream.destroy();
        throw new S3Error('MalformedXML', `the request body is larger than ${limit} bytes`);
      }
      parts.push(chunk as Buffer);
    }
    return Buffer.concat(parts).toString('utf8');
  })();
  return { text: await body.store(read), hasChecksum: body.hasChecksum };
}
