// What every catalog index needs to know about an item or a collection, derived
// and checked once here so that all backends index the same values.
import type { Geometry } from 'geojson';
import { ValidationError } from '../errors.ts';
import { bboxMember, bboxToPolygon, geometryBbox, type Bbox2D } from '../geo/bbox.ts';
import { assertGeometry } from '../geo/geometry-validation.ts';
import { parseRfc3339 } from '../stac/datetime.ts';
import type { StacCollection, StacItem } from '../stac/stac-types.ts';

export const MAX_ID_LENGTH = 256;

export interface ItemRecord {
  item: StacItem;
  id: string;
  collection: string;
  geometry: Geometry | null;
  /** Footprint box; west > east when it crosses the antimeridian. */
  bbox: Bbox2D | null;
  /** datetime, or start_datetime when the item only has a range: the sort key. */
  datetime: number;
  start: number;
  end: number;
  text: { title: string; description: string; keywords: string };
}

export interface CollectionRecord {
  collection: StacCollection;
  id: string;
  bbox: Bbox2D | null;
  geometry: Geometry | null;
  start: number | null;
  end: number | null;
  text: { title: string; description: string; keywords: string };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function checkId(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new ValidationError(`${what} must be a non-empty string`);
  if (value.length > MAX_ID_LENGTH) throw new ValidationError(`${what} is longer than ${MAX_ID_LENGTH} characters`);
  if (/[\u0000-\u001f]/.test(value)) throw new ValidationError(`${what} contains control characters`);
  return value;
}

function time(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const ms = typeof value === 'string' ? parseRfc3339(value) : undefined;
  if (ms === undefined) throw new ValidationError(`properties.${name} must be an RFC 3339 date-time, got ${JSON.stringify(value)}`);
  return ms;
}

function words(value: unknown): string {
  return Array.isArray(value) ? value.filter((v) => typeof v === 'string').join(' ') : typeof value === 'string' ? value : '';
}

export function toItemRecord(value: unknown): ItemRecord {
  if (!isObject(value)) throw new ValidationError('an item must be a JSON object');
  if (value.type !== 'Feature') throw new ValidationError('an item must have "type": "Feature"');
  const id = checkId(value.id, 'item id');
  const collection = checkId(value.collection, `item ${id}: "collection"`);
  if (!isObject(value.properties)) throw new ValidationError(`item ${id}: "properties" must be an object`);
  const geometry = value.geometry === null ? null : assertGeometry(value.geometry, `item ${id}: geometry`);
  if (value.bbox !== undefined && !bboxMember(value.bbox)) throw new ValidationError(`item ${id}: bbox must be 4 or 6 numbers`);
  if (value.links !== undefined && !Array.isArray(value.links)) throw new ValidationError(`item ${id}: "links" must be an array`);
  if (value.assets !== undefined && !isObject(value.assets)) throw new ValidationError(`item ${id}: "assets" must be an object`);
  const p = value.properties;
  const datetime = time(p.datetime, 'datetime');
  const start = time(p.start_datetime, 'start_datetime');
  const end = time(p.end_datetime, 'end_datetime');
  if (datetime === undefined && (start === undefined || end === undefined)) {
    throw new ValidationError(`item ${id}: properties need a datetime, or both start_datetime and end_datetime`);
  }
  if (start !== undefined && end !== undefined && start > end) {
    throw new ValidationError(`item ${id}: start_datetime is after end_datetime`);
  }
  // The declared bbox is kept when present: unlike an envelope computed from
  // coordinates, it can say that a footprint crosses the antimeridian.
  const bbox = geometry ? bboxMember(value.bbox) ?? geometryBbox(geometry) ?? null : null;
  return {
    item: value as StacItem,
    id,
    collection,
    geometry,
    bbox,
    datetime: datetime ?? (start as number),
    start: start ?? (datetime as number),
    end: end ?? (datetime as number),
    text: {
      title: words(p.title),
      description: words(p.description),
      // What people type to find imagery: mission names and instruments as much as keywords.
      keywords: [collection, p.keywords, p.platform, p.constellation, p.instruments, p.mission].map(words).filter(Boolean).join(' '),
    },
  };
}

export function toCollectionRecord(value: unknown): CollectionRecord {
  if (!isObject(value)) throw new ValidationError('a collection must be a JSON object');
  if (value.type !== 'Collection') throw new ValidationError('a collection must have "type": "Collection"');
  const id = checkId(value.id, 'collection id');
  if (typeof value.description !== 'string') throw new ValidationError(`collection ${id}: "description" must be a string`);
  if (typeof value.license !== 'string') throw new ValidationError(`collection ${id}: "license" must be a string`);
  const extent = value.extent;
  if (!isObject(extent) || !isObject(extent.spatial) || !isObject(extent.temporal)) {
    throw new ValidationError(`collection ${id}: "extent" must have "spatial" and "temporal"`);
  }
  const boxes = extent.spatial.bbox;
  if (!Array.isArray(boxes) || boxes.length === 0 || !boxes.every((b) => bboxMember(b))) {
    throw new ValidationError(`collection ${id}: extent.spatial.bbox must be a list of bboxes of 4 or 6 numbers`);
  }
  const intervals = extent.temporal.interval;
  if (!Array.isArray(intervals) || intervals.length === 0 || !Array.isArray(intervals[0]) || intervals[0].length !== 2) {
    throw new ValidationError(`collection ${id}: extent.temporal.interval must be a list of [start, end] pairs`);
  }
  const [startText, endText] = intervals[0] as unknown[];
  const bound = (v: unknown, name: string) => {
    if (v === null || v === undefined) return null;
    const ms = typeof v === 'string' ? parseRfc3339(v) : undefined;
    if (ms === undefined) throw new ValidationError(`collection ${id}: extent.temporal.interval ${name} must be an RFC 3339 date-time or null`);
    return ms;
  };
  const start = bound(startText, 'start');
  const end = bound(endText, 'end');
  if (start !== null && end !== null && start > end) throw new ValidationError(`collection ${id}: temporal extent starts after it ends`);
  const bbox = bboxMember(boxes[0]) ?? null;
  return {
    collection: value as StacCollection,
    id,
    bbox,
    geometry: bbox ? bboxToPolygon(bbox) : null,
    start,
    end,
    text: { title: words(value.title), description: value.description, keywords: words(value.keywords) },
  };
}
