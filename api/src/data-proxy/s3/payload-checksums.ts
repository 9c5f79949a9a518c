// The checksums a client sends with a body, verified while the body streams to
// the object store: Content-MD5, the SHA-256 of x-amz-content-sha256, and one
// x-amz-checksum-{crc32,crc32c,crc64nvme,sha1,sha256,sha512,xxhash64,xxhash3,
// xxhash128} sent as a header or — what
// current SDKs do for streamed bodies — as an aws-chunked trailer named by
// x-amz-trailer. A mismatch fails the stream with S3's error, so the object
// store keeps nothing; the algorithms are those the SDKs themselves use
// (zlib's CRC32, @aws-sdk/checksums for CRC32C, CRC64NVME and the xxHashes,
// node:crypto for the rest), so that a value computed by a client matches bit
// for bit.
//
// Checksum parameters in a presigned URL's query are not verified: S3 documents
// that presigned uploads do not support them, and the JavaScript SDK signs the
// checksum of an empty body into every presigned PutObject URL.
import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { crc32 } from 'node:zlib';
import { Crc32c, Crc64Nvme } from '@aws-sdk/checksums/crc';
import { Xxh3_128, Xxh3_64, Xxh64 } from '@aws-sdk/checksums/xxh';
import { S3Error } from '../s3-error.ts';
import { headerOf, type ReceivedRequest, type SigV4Claim } from './sigv4-request.ts';

export const CHECKSUM_ALGORITHMS = ['crc32', 'crc32c', 'crc64nvme', 'sha1', 'sha256', 'sha512', 'xxhash64', 'xxhash3', 'xxhash128'] as const;
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];

interface Digest {
  update(data: Buffer): void;
  digest(): Promise<Buffer>;
}

class Crc32Digest implements Digest {
  #value = 0;
  update(data: Buffer): void {
    this.#value = crc32(data, this.#value);
  }
  async digest(): Promise<Buffer> {
    const out = Buffer.alloc(4);
    out.writeUInt32BE(this.#value);
    return out;
  }
}

const sdkDigest = (checksum: { update(data: Uint8Array): void; digest(): Promise<Uint8Array> }): Digest => ({
  update: (data) => checksum.update(data),
  digest: async () => Buffer.from(await checksum.digest()),
});

const cryptoDigest = (algorithm: string): Digest => {
  const hash = createHash(algorithm);
  return { update: (data) => void hash.update(data), digest: async () => hash.digest() };
};

const ALGORITHMS: Record<ChecksumAlgorithm, { bytes: number; label: string; create: () => Digest }> = {
  crc32: { bytes: 4, label: 'CRC32', create: () => new Crc32Digest() },
  crc32c: { bytes: 4, label: 'CRC32C', create: () => sdkDigest(new Crc32c()) },
  crc64nvme: { bytes: 8, label: 'CRC64NVME', create: () => sdkDigest(new Crc64Nvme()) },
  sha1: { bytes: 20, label: 'SHA1', create: () => cryptoDigest('sha1') },
  sha256: { bytes: 32, label: 'SHA256', create: () => cryptoDigest('sha256') },
  sha512: { bytes: 64, label: 'SHA512', create: () => cryptoDigest('sha512') },
  xxhash64: { bytes: 8, label: 'XXHASH64', create: () => sdkDigest(new Xxh64()) },
  xxhash3: { bytes: 8, label: 'XXHASH3', create: () => sdkDigest(new Xxh3_64()) },
  xxhash128: { bytes: 16, label: 'XXHASH128', create: () => sdkDigest(new Xxh3_128()) },
};

export const checksumHeader = (algorithm: ChecksumAlgorithm) => `x-amz-checksum-${algorithm}`;

/** What the body must hash to; every field optional. */
export interface ChecksumExpectations {
  /** Content-MD5, base64 of 16 bytes. */
  md5?: string;
  /** x-amz-content-sha256 when it is the body's hash (lower-case hex). */
  sha256Hex?: string;
  /** The one x-amz-checksum-*: its value from the header, or to be read from the trailer of that name. */
  checksum?: { algorithm: ChecksumAlgorithm; value?: string; trailer: boolean };
}

const isBase64Of = (value: string, bytes: number) =>
  /^[A-Za-z0-9+/]*={0,2}$/.test(value) && value.length % 4 === 0 && Buffer.from(value, 'base64').length === bytes;

/** Reads and checks the form of every checksum the request declares; throws S3's error for a malformed one. */
export function checksumExpectations(request: ReceivedRequest, claim: SigV4Claim | undefined): ChecksumExpectations {
  const expectations: ChecksumExpectations = {};
  const md5 = headerOf(request, 'content-md5');
  if (md5 !== undefined) {
    if (!isBase64Of(md5.trim(), 16)) throw new S3Error('InvalidDigest', 'The Content-MD5 you specified was invalid: it must be the base64 of the 16-byte MD5 digest');
    expectations.md5 = md5.trim();
  }
  if (claim?.payload.kind === 'sha256') expectations.sha256Hex = claim.payload.hex;

  const declared = CHECKSUM_ALGORITHMS.filter((algorithm) => headerOf(request, checksumHeader(algorithm)) !== undefined);
  const trailer = headerOf(request, 'x-amz-trailer')?.trim().toLowerCase();
  const chunked = claim?.payload.kind === 'chunked' && claim.payload.trailer;
  if (trailer !== undefined && trailer !== '') {
    if (!chunked) throw new S3Error('InvalidRequest', 'x-amz-trailer needs an aws-chunked body with trailers (x-amz-content-sha256: STREAMING-UNSIGNED-PAYLOAD-TRAILER or STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER)');
    const algorithm = CHECKSUM_ALGORITHMS.find((a) => checksumHeader(a) === trailer);
    if (!algorithm) throw new S3Error('InvalidRequest', `x-amz-trailer ${JSON.stringify(trailer.slice(0, 60))} is not supported: it may name one of ${CHECKSUM_ALGORITHMS.map(checksumHeader).join(', ')}`);
    declared.push(algorithm);
  }
  if (declared.length > 1) throw new S3Error('InvalidRequest', 'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.');
  const [algorithm] = declared;
  if (algorithm !== undefined) {
    const fromTrailer = trailer !== undefined && trailer !== '';
    const value = fromTrailer ? undefined : (headerOf(request, checksumHeader(algorithm)) as string).trim();
    if (value !== undefined && !isBase64Of(value, ALGORITHMS[algorithm].bytes)) {
      throw new S3Error('InvalidRequest', `Value for ${checksumHeader(algorithm)} header is invalid.`);
    }
    expectations.checksum = { algorithm, value, trailer: fromTrailer };
  }
  return expectations;
}

/**
 * Passes the body through unchanged and, at its end, compares every expected
 * checksum with what it computed; the first mismatch fails the stream. After a
 * successful end, `echo` holds the x-amz-checksum-* header S3 returns.
 */
export class ChecksumVerifier extends Transform {
  echo: Record<string, string> = {};
  readonly #expect: ChecksumExpectations;
  readonly #trailers: () => ReadonlyMap<string, string>;
  readonly #md5 = cryptoDigest('md5');
  readonly #sha256 = cryptoDigest('sha256');
  readonly #checksum: Digest | undefined;

  /** `trailers`: the aws-chunked trailing headers, read once the body has ended. */
  constructor(expect: ChecksumExpectations, trailers: () => ReadonlyMap<string, string> = () => new Map()) {
    super();
    this.#expect = expect;
    this.#trailers = trailers;
    this.#checksum = expect.checksum && ALGORITHMS[expect.checksum.algorithm].create();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.#expect.md5 !== undefined) this.#md5.update(chunk);
    if (this.#expect.sha256Hex !== undefined) this.#sha256.update(chunk);
    this.#checksum?.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    this.#verify().then(() => callback(), (error: Error) => callback(error));
  }

  async #verify(): Promise<void> {
    const { md5, sha256Hex, checksum } = this.#expect;
    if (sha256Hex !== undefined && (await this.#sha256.digest()).toString('hex') !== sha256Hex) throw new S3Error('XAmzContentSHA256Mismatch');
    if (md5 !== undefined && (await this.#md5.digest()).toString('base64') !== md5) {
      throw new S3Error('BadDigest', 'The Content-MD5 you specified did not match what we received.');
    }
    if (checksum && this.#checksum) {
      const name = checksumHeader(checksum.algorithm);
      const expected = checksum.trailer ? this.#trailers().get(name) : checksum.value;
      if (expected === undefined) throw new S3Error('InvalidRequest', `x-amz-trailer announced ${name}, but the body has no such trailing header`);
      if (checksum.trailer && !isBase64Of(expected, ALGORITHMS[checksum.algorithm].bytes)) throw new S3Error('InvalidRequest', `Value for ${name} trailing header is invalid.`);
      const actual = (await this.#checksum.digest()).toString('base64');
      if (actual !== expected) throw new S3Error('BadDigest', `The ${ALGORITHMS[checksum.algorithm].label} you specified did not match the calculated checksum.`);
      this.echo = { [name]: actual };
    }
  }
}
