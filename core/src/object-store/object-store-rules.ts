// S3's rules that an adapter implementing them itself needs (the filesystem one),
// and the argument checks every adapter makes before it touches a backend, so
// that both fail alike with a ValidationError that says what was wrong.
import { createHash } from 'node:crypto';
import { ValidationError } from '../errors.ts';
import type { ByteRange } from './object-store.port.ts';

/** S3's smallest part, except the last: 5 MiB. */
export const MIN_PART_SIZE = 5 * 1024 * 1024;
export const MAX_PART_NUMBER = 10_000;
export const MAX_LIST_PARTS = 1000;

/** UTF-8 binary order, S3's key order (JS `<` compares UTF-16 code units, which differs above U+FFFF). */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** The range, when it lies within an object of `size` bytes. */
export function checkByteRange(range: ByteRange, size: number): ByteRange {
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start || end >= size) {
    throw new ValidationError(`range ${start}-${end} does not lie within the object's ${size} bytes`);
  }
  return { start, end };
}

export function checkPartNumber(partNumber: number): number {
  if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > MAX_PART_NUMBER) {
    throw new ValidationError(`partNumber must be an integer from 1 to ${MAX_PART_NUMBER}`);
  }
  return partNumber;
}

export function checkPartsPageOptions(options: { partNumberMarker?: number; maxParts?: number }): { partNumberMarker: number; maxParts: number } {
  const { partNumberMarker = 0, maxParts = MAX_LIST_PARTS } = options;
  if (!Number.isInteger(partNumberMarker) || partNumberMarker < 0 || partNumberMarker > MAX_PART_NUMBER) {
    throw new ValidationError(`partNumberMarker must be an integer from 0 to ${MAX_PART_NUMBER}`);
  }
  if (!Number.isInteger(maxParts) || maxParts < 1 || maxParts > MAX_LIST_PARTS) {
    throw new ValidationError(`maxParts must be an integer from 1 to ${MAX_LIST_PARTS}`);
  }
  return { partNumberMarker, maxParts };
}

/** A completion's part list: at least one part, numbers in ascending order, each with an ETag. */
export function checkCompletedParts(parts: { partNumber: number; etag: string }[]): void {
  if (!Array.isArray(parts) || parts.length === 0) throw new ValidationError('a multipart upload is completed with at least one part');
  let previous = 0;
  for (const part of parts) {
    checkPartNumber(part?.partNumber);
    if (typeof part.etag !== 'string' || part.etag.length === 0) throw new ValidationError(`part ${part.partNumber} has no ETag`);
    if (part.partNumber <= previous) throw new ValidationError('parts must be listed in ascending order of part number, each once');
    previous = part.partNumber;
  }
}

const unquote = (etag: string) => etag.replace(/^"(.*)"$/, '$1');

/** ETags compared as S3 does: with or without their quotes. */
export const sameEtag = (a: string, b: string) => unquote(a) === unquote(b);

/** S3's ETag of a multipart object: the MD5 of the parts' binary MD5s, then `-` and the number of parts. */
export function multipartEtag(partEtags: string[]): string {
  const hash = createHash('md5');
  for (const etag of partEtags) hash.update(Buffer.from(unquote(etag), 'hex'));
  return `"${hash.digest('hex')}-${partEtags.length}"`;
}

/**
 * A continuation token: the last key or common prefix listed, which the next
 * page starts after, as start-after does. S3 lists a common prefix only when it
 * sorts after start-after, so resuming after one skips the keys under it too.
 */
export function encodeListToken(after: string): string {
  return Buffer.from(JSON.stringify({ v: 1, a: after }), 'utf8').toString('base64url');
}

export function decodeListToken(token: string): string {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  const value = decoded as { v?: unknown; a?: unknown } | undefined;
  if (typeof value !== 'object' || value === null || value.v !== 1 || typeof value.a !== 'string' || !value.a.isWellFormed()) {
    throw new ValidationError('continuationToken is not one this store issued: pass nextContinuationToken from the previous page unchanged');
  }
  return value.a;
}
