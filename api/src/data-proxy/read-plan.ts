// What a GET or HEAD of an object answers, from its request headers and the
// object's validators: 304, 412, 416, the whole object or one range of it.
//
// Express's res.sendFile and the `send` package do this for local files only,
// and objects here come from any ObjectStore (a directory or an S3 bucket), so
// the pieces `send` is built from are composed here instead: `range-parser` for
// Range, `fresh` for If-None-Match / If-Modified-Since. What no library offers
// outside `send` — If-Match, If-Unmodified-Since and If-Range — is written out
// below, following RFC 9110 §13.2.2 for the order of evaluation.
import type { IncomingHttpHeaders } from 'node:http';
import fresh from 'fresh';
import rangeParser from 'range-parser';
import type { ByteRange, ObjectInfo } from '@meridian/core/object-store/object-store.port';

export type ReadPlan =
  | { status: 200 }
  | { status: 206; range: ByteRange }
  | { status: 304 }
  | { status: 412; condition: 'If-Match' | 'If-Unmodified-Since' }
  | { status: 416 };

/** Last-Modified as HTTP sends it: whole seconds. */
export const httpDate = (date: Date) => date.toUTCString();

const seconds = (time: number) => Math.floor(time / 1000);

/** The entity tags of an If-Match / If-None-Match list. */
const entityTags = (header: string) => header.split(',').map((tag) => tag.trim()).filter((tag) => tag.length > 0);

/** If-Match: `*`, or one of the tags equal to the object's under strong comparison (weak tags never match). */
function ifMatchHolds(header: string, etag: string): boolean {
  return entityTags(header).some((tag) => tag === '*' || (!tag.startsWith('W/') && tag === etag));
}

/** If-Range: an entity tag that matches strongly, or a date equal to Last-Modified (RFC 9110 §13.1.5). */
function ifRangeHolds(header: string, info: ObjectInfo): boolean {
  const value = header.trim();
  if (value.startsWith('"') || value.startsWith('W/')) return value === info.etag;
  const date = Date.parse(value);
  return !Number.isNaN(date) && seconds(date) === seconds(info.lastModified.getTime());
}

/**
 * range-parser refuses a suffix range longer than the object (`bytes=-1000` of
 * 100 bytes) as unsatisfiable, where RFC 9110 §14.1.3 (and S3) serve the whole
 * object: such suffixes are shortened to the object's length first.
 */
const clampSuffixes = (header: string, size: number) =>
  size === 0 ? header : header.replace(/(=|,)(\s*)-(\d+)/g, (whole, sep: string, space: string, n: string) => (Number(n) > size ? `${sep}${space}-${size}` : whole));

export function planRead(headers: IncomingHttpHeaders, info: ObjectInfo): ReadPlan {
  const ifMatch = headers['if-match'];
  const ifUnmodifiedSince = headers['if-unmodified-since'];
  if (ifMatch !== undefined) {
    if (!ifMatchHolds(ifMatch, info.etag)) return { status: 412, condition: 'If-Match' };
  } else if (ifUnmodifiedSince !== undefined) {
    const date = Date.parse(ifUnmodifiedSince);
    if (!Number.isNaN(date) && seconds(info.lastModified.getTime()) > seconds(date)) return { status: 412, condition: 'If-Unmodified-Since' };
  }
  if (fresh(headers, { etag: info.etag, 'last-modified': httpDate(info.lastModified) })) return { status: 304 };

  const range = headers.range;
  if (range === undefined) return { status: 200 };
  // Node joins a repeated unknown header into one string; an array never arrives.
  const ifRange = headers['if-range'];
  if (typeof ifRange === 'string' && !ifRangeHolds(ifRange, info)) return { status: 200 };
  const ranges = rangeParser(info.size, clampSuffixes(range, info.size), { combine: true });
  if (ranges === -1) return { status: 416 };
  // A malformed header, or another unit than bytes, is ignored (RFC 9110 §14.2).
  if (ranges === -2 || ranges.type !== 'bytes') return { status: 200 };
  // Several ranges would need multipart/byteranges; like S3, serve the whole object instead.
  if (ranges.length > 1) return { status: 200 };
  return { status: 206, range: { start: ranges[0].start, end: ranges[0].end } };
}
