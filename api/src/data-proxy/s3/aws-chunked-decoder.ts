// Decodes an aws-chunked body (x-amz-content-sha256: STREAMING-…) into the
// object's bytes as they arrive, never holding more than one chunk header:
//
//   <hex size>[;chunk-signature=<sig>]\r\n<data>\r\n … 0[;chunk-signature=<sig>]\r\n
//   [<trailer>:<value>\r\n … [x-amz-trailer-signature:<sig>\r\n]]\r\n
//
// With signed chunks each signature chains from the previous one, starting at
// the request's seed signature; a chunk's bytes flow on before its signature is
// checked at its end, which is safe because a failed check fails the stream and
// the object store keeps nothing from a stream that failed. Trailers (the
// checksum SDKs send after the body) are collected for the checksum stage, and
// in signed-trailer mode their signature is checked too.
//
// Hand-written because no library decodes this format on the server side: it is
// S3's own framing (sigv4-streaming and sigv4-streaming-trailers in the S3 API
// reference), and Node's HTTP parser has already removed any HTTP chunking.
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { sameSecret } from '@meridian/core/crypto/same-secret';
import { S3Error } from '../s3-error.ts';
import { chunkSignature, trailerSignature, type ChunkSigning } from './sigv4-signature.ts';

export interface AwsChunkedOptions {
  /** Set for STREAMING-AWS4-HMAC-SHA256-PAYLOAD(-TRAILER): every chunk must carry its signature. */
  signing?: ChunkSigning;
  /** Whether trailing headers may follow the last chunk (the …-TRAILER modes). */
  trailer: boolean;
  /** x-amz-decoded-content-length, when sent: the decoded length must be exactly it. */
  decodedLength?: number;
}

const MAX_LINE = 4096;
const MAX_TRAILER_BYTES = 16 * 1024;
const CRLF = Buffer.from('\r\n');

type State = 'size' | 'data' | 'data-end' | 'trailer' | 'done';

const malformed = (why: string) => new S3Error('InvalidRequest', `the aws-chunked body is malformed: ${why}`);
const badSignature = (what: string) => new S3Error('SignatureDoesNotMatch', `the ${what} signature does not match: the body was changed, or signed with another key`);

export class AwsChunkedDecoder extends Transform {
  /** The trailing headers by lower-case name, complete once the stream has ended. */
  readonly trailers = new Map<string, string>();
  readonly #options: AwsChunkedOptions;
  #state: State = 'size';
  #pending: Buffer = Buffer.alloc(0);
  #remaining = 0;
  #chunkSignature: string | undefined;
  #previousSignature: string | undefined;
  #chunkHash: Hash | undefined;
  #decoded = 0;
  #trailerBytes = 0;
  #trailerLines: [string, string][] = [];
  #trailerSignature: string | undefined;

  constructor(options: AwsChunkedOptions) {
    super();
    this.#options = options;
    this.#previousSignature = options.signing?.seed;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.#consume(this.#pending.length > 0 ? Buffer.concat([this.#pending, chunk]) : chunk);
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    if (this.#state !== 'done') {
      callback(new S3Error('IncompleteBody', 'The request body terminated unexpectedly: the aws-chunked body ended before its final chunk'));
      return;
    }
    const expected = this.#options.decodedLength;
    if (expected !== undefined && this.#decoded !== expected) {
      callback(new S3Error('IncompleteBody', `the aws-chunked body holds ${this.#decoded} bytes, but x-amz-decoded-content-length says ${expected}`));
      return;
    }
    callback();
  }

  #consume(input: Buffer): void {
    let at = 0;
    while (at < input.length) {
      if (this.#state === 'data') {
        const take = Math.min(this.#remaining, input.length - at);
        const piece = input.subarray(at, at + take);
        this.#chunkHash?.update(piece);
        this.#decoded += take;
        this.push(piece);
        this.#remaining -= take;
        at += take;
        if (this.#remaining === 0) this.#state = 'data-end';
        continue;
      }
      if (this.#state === 'done') throw malformed('there are bytes after its end');
      if (this.#state === 'data-end') {
        if (input.length - at < 2) break;
        if (!input.subarray(at, at + 2).equals(CRLF)) throw malformed('a chunk is longer than its declared size');
        at += 2;
        this.#endChunk();
        this.#state = 'size';
        continue;
      }
      const end = input.indexOf(CRLF, at);
      if (end < 0) {
        if (input.length - at > MAX_LINE) throw malformed('a line is too long');
        break;
      }
      const line = input.subarray(at, end).toString('latin1');
      at = end + 2;
      if (this.#state === 'size') this.#startChunk(line);
      else this.#trailerLine(line);
    }
    this.#pending = at < input.length ? Buffer.from(input.subarray(at)) : Buffer.alloc(0);
  }

  #startChunk(line: string): void {
    const [size, ...extensions] = line.split(';');
    if (!/^[0-9a-fA-F]{1,12}$/.test(size)) throw malformed(`a chunk size ${JSON.stringify(size.slice(0, 20))} is not hexadecimal`);
    this.#remaining = parseInt(size, 16);
    this.#chunkSignature = extensions.map((e) => /^chunk-signature=([0-9a-f]{64})$/.exec(e.trim())?.[1]).find((s) => s !== undefined);
    if (this.#options.signing && this.#chunkSignature === undefined) throw malformed('a chunk has no chunk-signature');
    this.#chunkHash = this.#options.signing ? createHash('sha256') : undefined;
    if (this.#remaining > 0) {
      this.#state = 'data';
      return;
    }
    this.#endChunk();
    this.#state = 'trailer';
  }

  #endChunk(): void {
    const signing = this.#options.signing;
    if (!signing || this.#chunkHash === undefined) return;
    const expected = chunkSignature(signing, this.#previousSignature as string, this.#chunkHash.digest('hex'));
    if (!sameSecret(this.#chunkSignature as string, expected)) throw badSignature('chunk');
    this.#previousSignature = expected;
    this.#chunkHash = undefined;
  }

  #trailerLine(line: string): void {
    this.#trailerBytes += line.length + 2;
    if (this.#trailerBytes > MAX_TRAILER_BYTES) throw malformed('the trailing headers are too long');
    if (line === '') {
      this.#endTrailers();
      return;
    }
    if (!this.#options.trailer) throw malformed('trailing headers follow the final chunk, but x-amz-content-sha256 names a mode without them');
    const colon = line.indexOf(':');
    if (colon <= 0) throw malformed(`the trailing header ${JSON.stringify(line.slice(0, 40))} has no name`);
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'x-amz-trailer-signature') {
      this.#trailerSignature = value;
      return;
    }
    this.#trailerLines.push([name, value]);
    this.trailers.set(name, value);
  }

  #endTrailers(): void {
    const signing = this.#options.signing;
    if (signing && (this.#trailerLines.length > 0 || this.#trailerSignature !== undefined)) {
      if (this.#trailerSignature === undefined) throw malformed('the trailing headers have no x-amz-trailer-signature');
      const expected = trailerSignature(signing, this.#previousSignature as string, this.#trailerLines);
      if (!sameSecret(this.#trailerSignature, expected)) throw badSignature('trailer');
    }
    this.#state = 'done';
  }
}
