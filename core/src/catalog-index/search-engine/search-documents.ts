// The documents SearchEngineCatalogIndex writes, built from the checked records of
// index-record.ts, and the field names the queries read (see index-mapping.ts).
import { createHash } from 'node:crypto';
import { repositoryKey, type RepositoryRef } from '../../access/access-rule.ts';
import type { RepositoryState, Visibility } from '../../accounts/accounts.types.ts';
import { parseDate, parseRfc3339 } from '../../stac/datetime.ts';
import type { ItemText, QueryableField } from '../catalog-index.port.ts';
import type { StacItem, StacLink } from '../../stac/stac-types.ts';
import type { CollectionRecord, ItemRecord } from '../index-record.ts';
import { splitItem } from '../item-text.ts';
import type { Json } from './search-engine-client.ts';

/** A collection's access attributes (its repository's), copied onto each of its items so that searches filter inside the engine. */
export interface AccessFields {
  account: string | null;
  repository: string | null;
  visibility: Visibility;
  state: RepositoryState;
  disabled: boolean;
}

/** A collection that names no repository: anyone finds it. */
export const PUBLIC_ACCESS: AccessFields = { account: null, repository: null, visibility: 'public', state: 'published', disabled: false };

export function accessOf(repository: RepositoryRef): AccessFields {
  return {
    account: repository.accountId, repository: repositoryKey(repository),
    visibility: repository.visibility, state: repository.state, disabled: repository.disabled,
  };
}

export function sameAccess(a: AccessFields, b: AccessFields): boolean {
  return a.account === b.account && a.repository === b.repository && a.visibility === b.visibility && a.state === b.state && a.disabled === b.disabled;
}

export function repositoryOf(access: AccessFields): RepositoryRef | null {
  if (access.account === null || access.repository === null) return null;
  return {
    accountId: access.account, repositoryId: access.repository.slice(access.account.length + 1),
    visibility: access.visibility, state: access.state, disabled: access.disabled,
  };
}

/**
 * Document ids are a digest: STAC ids of up to 256 characters each, in UTF-8 and
 * joined, can pass the engines' 512-byte `_id` limit.
 */
export function documentId(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('base64url');
}

/** Dots would nest objects and `*` would act as a wildcard in field patterns; both (and `%`) are percent-encoded. */
export function propertyField(name: string): string {
  return `p.${name.replace(/[%.*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}

/** Epoch ms of a string CQL2 compares as a time: an RFC 3339 date-time or a date. */
export function timeOf(value: string): number | undefined {
  return parseRfc3339(value) ?? parseDate(value);
}

type Kind = QueryableField['type'] | 'date-time';

interface TypedValue {
  fields: Json;
  kind: Kind;
}

function typed(value: unknown): TypedValue | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') {
    const t = timeOf(value);
    return { fields: t === undefined ? { s: value } : { s: value, t }, kind: parseRfc3339(value) === undefined ? 'string' : 'date-time' };
  }
  if (typeof value === 'number') return { fields: { n: value }, kind: Number.isInteger(value) ? 'integer' : 'number' };
  if (typeof value === 'boolean') return { fields: { b: value }, kind: 'boolean' };
  if (Array.isArray(value)) {
    const elements = [...new Set(value.map((element) => JSON.stringify(element)))];
    return { fields: { ae: elements, aj: JSON.stringify(value), ac: elements.length }, kind: 'array' };
  }
  return { fields: {}, kind: 'object' };
}

/** The typed fields, `present` and `kinds` of a set of properties. */
function propertyFields(properties: Record<string, unknown>, skip: ReadonlySet<string> = new Set()): Json {
  const p: Json = {};
  const present: string[] = [];
  const kinds: string[] = [];
  for (const [name, value] of Object.entries(properties)) {
    if (name === '' || skip.has(name)) continue;
    const t = typed(value);
    if (!t) continue;
    present.push(name);
    kinds.push(`${t.kind}:${name}`);
    p[propertyField(name).slice(2)] = t.fields;
  }
  return { p, present, kinds };
}

/** Queryable type of a `kinds` entry. */
export function parseKind(entry: string): { name: string; field: QueryableField } | undefined {
  const colon = entry.indexOf(':');
  if (colon < 0) return undefined;
  const kind = entry.slice(0, colon) as Kind;
  const name = entry.slice(colon + 1);
  return { name, field: kind === 'date-time' ? { type: 'string', format: 'date-time' } : { type: kind } };
}

/** Centre of the footprint box, on the right side of the antimeridian for a box crossing it. */
function centroid(record: ItemRecord): { lat: number; lon: number } | undefined {
  if (!record.bbox) return undefined;
  const [w, s, e, n] = record.bbox;
  let lon = (w + e) / 2;
  if (w > e) lon = (w + e + 360) / 2 > 180 ? (w + e) / 2 : (w + e + 360) / 2;
  return { lat: (s + n) / 2, lon };
}

export function itemDocument(record: ItemRecord, access: AccessFields): Json {
  const point = centroid(record);
  return {
    id: record.id,
    collection: record.collection,
    ...(record.geometry ? { geometry: record.geometry } : {}),
    ...(point ? { centroid: point } : {}),
    datetime: record.datetime,
    start: record.start,
    end: record.end,
    text: record.text,
    access,
    ...propertyFields(record.item.properties),
    ...splitItem(record.item),
  };
}

/** What an item's ItemText is read from (itemTextOf). */
export const ITEM_TEXT_SOURCE = ['id', 'collection', 'json', 'links', 'doc'];

/** An item document's ItemText; a document of mapping 1 holds the item as an object in `doc` instead. */
export function itemTextOf(source: Json): ItemText {
  const { id, collection } = source as { id: string; collection: string };
  if (typeof source.json !== 'string') return { id, collection, ...splitItem(source.doc as StacItem) };
  return source.links === undefined ? { id, collection, json: source.json } : { id, collection, json: source.json, links: source.links as StacLink[] };
}

/** An item document of mapping 1 in the form of the current one. */
export function withItemText(source: Json): Json {
  if (typeof source.json === 'string') return source;
  const { doc, ...rest } = source;
  return { ...rest, ...splitItem(doc as StacItem) };
}

/** Collection members worth filtering by; links and assets are only stored. */
const UNINDEXED_COLLECTION_MEMBERS = new Set(['links', 'assets', 'item_assets']);

/** Open ends of a temporal extent, as far as dates go (as the SQLite adapter stores them). */
export const FAR_PAST = -8.64e15;
export const FAR_FUTURE = 8.64e15;

export function collectionDocument(record: CollectionRecord, access: AccessFields): Json {
  return {
    id: record.id,
    ...(record.geometry ? { geometry: record.geometry } : {}),
    start: record.start ?? FAR_PAST,
    end: record.end ?? FAR_FUTURE,
    text: record.text,
    access,
    ...propertyFields(record.collection, UNINDEXED_COLLECTION_MEMBERS),
    doc: record.collection,
  };
}
