// The whole state of the map search lives in the page's URL, so that a reload or
// a shared link shows the same view. This module is the one codec between the URL
// and that state, and from the state to STAC API search parameters. Its parameter
// names are also the names of the search form's fields, so the form works without
// JavaScript: submitting it is navigating to the URL it encodes.
//
//   q=sentinel                       free text
//   bbox=w,s,e,n                     a box, or
//   intersects={"type":"Polygon",…}  a drawn polygon
//   from=2024-01-01 & to=2024-12-31  a date (or RFC 3339 date-time) range, either end open
//   collection=a & collection=b      facets on the repository's collection…
//   account=x, tag=y, license=z      …on repositories (collections)…
//   f.platform=sentinel-2a           …and on item properties
//   sort=-datetime                   sort order ('' = relevance with free text, else newest)
//   page=<token>                     the STAC API's page token
//   map=zoom/lat/lon                 the map's view
import type { Polygon } from 'geojson';

export type Bbox = [number, number, number, number];

export interface MapView {
  zoom: number;
  lat: number;
  lon: number;
}

export interface SearchState {
  q: string;
  bbox: Bbox | undefined;
  intersects: Polygon | undefined;
  from: string;
  to: string;
  collections: string[];
  accounts: string[];
  tags: string[];
  licenses: string[];
  /** Item property → the values chosen (any of them matches). */
  properties: Record<string, string[]>;
  sort: string;
  page: string | undefined;
  view: MapView | undefined;
}

export const SORTS = [
  { value: '', label: 'Best match' },
  { value: '-datetime', label: 'Newest first' },
  { value: 'datetime', label: 'Oldest first' },
] as const;

export const EMPTY_SEARCH: SearchState = {
  q: '', bbox: undefined, intersects: undefined, from: '', to: '', collections: [], accounts: [], tags: [], licenses: [],
  properties: {}, sort: '', page: undefined, view: undefined,
};

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i;
const PROPERTY = /^[A-Za-z_][\w:.-]{0,99}$/;

/** What was wrong with the URL, in words for the page. */
export interface ParsedSearch {
  state: SearchState;
  problems: string[];
}

function parseBbox(text: string, problems: string[]): Bbox | undefined {
  const parts = text.split(',').map((p) => p.trim());
  const numbers = parts.map(Number);
  if (parts.length !== 4 || parts.some((p) => p === '') || numbers.some((n) => !Number.isFinite(n))) {
    problems.push('The area must be four numbers: west, south, east, north (for example 5.9,45.8,10.5,47.8).');
    return undefined;
  }
  const [west, south, east, north] = numbers;
  if (south > north || south < -90 || north > 90 || west < -180 || west > 180 || east < -180 || east > 180) {
    problems.push('The area is outside the world: longitudes go from -180 to 180, latitudes from -90 to 90, south below north.');
    return undefined;
  }
  return [west, south, east, north];
}

function isPosition(value: unknown): value is [number, number] {
  return Array.isArray(value) && value.length >= 2 && value.every((n) => typeof n === 'number' && Number.isFinite(n));
}

function parsePolygon(text: string, problems: string[]): Polygon | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    problems.push('The drawn area is not valid GeoJSON.');
    return undefined;
  }
  const polygon = value as Polygon;
  const ringsOk = polygon?.type === 'Polygon' && Array.isArray(polygon.coordinates) && polygon.coordinates.length > 0
    && polygon.coordinates.every((ring) => Array.isArray(ring) && ring.length >= 4 && ring.every(isPosition));
  if (!ringsOk) {
    problems.push('The drawn area must be a GeoJSON Polygon.');
    return undefined;
  }
  return { type: 'Polygon', coordinates: polygon.coordinates.map((ring) => ring.map(([x, y]) => [x, y])) };
}

function parseTime(text: string, which: 'from' | 'to', problems: string[]): string {
  const value = text.trim();
  if (value === '' || DATE.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) || DATE_TIME.test(value) && !Number.isNaN(Date.parse(value))) return value;
  problems.push(`The ${which === 'from' ? 'start' : 'end'} date must look like 2024-05-31.`);
  return '';
}

function parseView(text: string): MapView | undefined {
  const [zoom, lat, lon] = text.split('/').map(Number);
  if (![zoom, lat, lon].every(Number.isFinite) || zoom < 0 || zoom > 24 || Math.abs(lat) > 90 || Math.abs(lon) > 180) return undefined;
  return { zoom, lat, lon };
}

const values = (params: URLSearchParams, name: string) => [...new Set(params.getAll(name).map((v) => v.trim()).filter(Boolean))];

export function parseSearchState(params: URLSearchParams): ParsedSearch {
  const problems: string[] = [];
  const bboxText = params.get('bbox')?.trim();
  const intersectsText = params.get('intersects')?.trim();
  const properties: Record<string, string[]> = {};
  for (const name of new Set(params.keys())) {
    if (!name.startsWith('f.')) continue;
    const property = name.slice(2);
    const chosen = values(params, name);
    if (PROPERTY.test(property) && chosen.length > 0) properties[property] = chosen;
  }
  const sort = params.get('sort') ?? '';
  const state: SearchState = {
    q: (params.get('q') ?? '').trim(),
    bbox: bboxText ? parseBbox(bboxText, problems) : undefined,
    intersects: intersectsText ? parsePolygon(intersectsText, problems) : undefined,
    from: parseTime(params.get('from') ?? '', 'from', problems),
    to: parseTime(params.get('to') ?? '', 'to', problems),
    collections: values(params, 'collection'),
    accounts: values(params, 'account'),
    tags: values(params, 'tag'),
    licenses: values(params, 'license'),
    properties,
    sort: /^[+-]?[A-Za-z_][\w:.-]{0,99}$/.test(sort) ? sort : '',
    page: params.get('page') || undefined,
    view: parseView(params.get('map') ?? ''),
  };
  if (state.bbox && state.intersects) {
    problems.push('Search either a box or a drawn area, not both: the drawn area is used.');
    state.bbox = undefined;
  }
  if (state.from && state.to && startOf(state.from) > endOf(state.to)) {
    problems.push('The start date is after the end date.');
    state.to = '';
  }
  return { state, problems };
}

export function searchStateToParams(state: SearchState, options: { keepPage?: boolean; keepView?: boolean } = {}): URLSearchParams {
  const params = new URLSearchParams();
  if (state.q) params.set('q', state.q);
  if (state.bbox) params.set('bbox', state.bbox.map(round).join(','));
  if (state.intersects) params.set('intersects', JSON.stringify({ type: 'Polygon', coordinates: state.intersects.coordinates.map((ring) => ring.map(([x, y]) => [round(x), round(y)])) }));
  if (state.from) params.set('from', state.from);
  if (state.to) params.set('to', state.to);
  for (const c of state.collections) params.append('collection', c);
  for (const a of state.accounts) params.append('account', a);
  for (const t of state.tags) params.append('tag', t);
  for (const l of state.licenses) params.append('license', l);
  for (const [property, chosen] of Object.entries(state.properties).sort(([a], [b]) => a.localeCompare(b))) {
    for (const value of chosen) params.append(`f.${property}`, value);
  }
  if (state.sort) params.set('sort', state.sort);
  if (options.keepPage !== false && state.page) params.set('page', state.page);
  if (options.keepView !== false && state.view) params.set('map', formatView(state.view));
  return params;
}

/** Six decimals: about 10 cm, plenty for a search area, and short URLs. */
const round = (n: number) => Math.round(n * 1e6) / 1e6;

export const formatView = (view: MapView) => `${Math.round(view.zoom * 100) / 100}/${round(view.lat).toFixed(4)}/${round(view.lon).toFixed(4)}`;

/** The instant a `from` value starts at: a date means its first second (UTC). */
export function startOf(value: string): string {
  return DATE.test(value) ? `${value}T00:00:00Z` : new Date(value).toISOString();
}

/** The instant a `to` value ends at: a date means its last second (UTC). */
export function endOf(value: string): string {
  return DATE.test(value) ? `${value}T23:59:59Z` : new Date(value).toISOString();
}

/** The STAC `datetime` interval, or undefined when neither end is set. */
export function stacDatetime(state: Pick<SearchState, 'from' | 'to'>): string | undefined {
  if (!state.from && !state.to) return undefined;
  return `${state.from ? startOf(state.from) : '..'}/${state.to ? endOf(state.to) : '..'}`;
}

/** A CQL2 text string literal. */
export const cqlString = (value: string) => `'${value.replace(/'/g, "''")}'`;

/** A property name as CQL2 text accepts it: quoted when it holds characters beyond letters, digits and `_`. */
export const cqlProperty = (name: string) => (/^[A-Za-z_]\w*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`);

/** CQL2 text for the chosen item-property values: each property any of its values; all properties together. */
export function propertyFilter(properties: Record<string, string[]>, arrayProperties: ReadonlySet<string>): string | undefined {
  const clauses = Object.entries(properties).sort(([a], [b]) => a.localeCompare(b)).map(([property, chosen]) => {
    const list = `(${chosen.map(cqlString).join(', ')})`;
    return arrayProperties.has(property) ? `A_OVERLAPS(${cqlProperty(property)}, ${list})` : `${cqlProperty(property)} IN ${list}`;
  });
  return clauses.length > 0 ? clauses.join(' AND ') : undefined;
}

export interface StacSearchOptions {
  limit: number;
  /** Collections the collection-level facets (account, tag, license) leave; undefined = no such facet chosen. */
  collectionScope?: string[];
  /** Item properties that hold arrays (instruments, keywords…), from the queryables. */
  arrayProperties?: ReadonlySet<string>;
  /** Leave the time range out (the histogram shows every time the other filters match). */
  withoutTime?: boolean;
  /** Leave the collection facets out (their counts show the alternatives). */
  withoutCollections?: boolean;
}

/** GET parameters of /stac/search (and /stac/aggregate) for this state. */
export function stacSearchParams(state: SearchState, options: StacSearchOptions): URLSearchParams {
  const params = new URLSearchParams();
  params.set('limit', String(options.limit));
  if (state.q) params.set('q', state.q);
  if (state.bbox) params.set('bbox', state.bbox.join(','));
  if (state.intersects) params.set('intersects', JSON.stringify(state.intersects));
  const datetime = options.withoutTime ? undefined : stacDatetime(state);
  if (datetime) params.set('datetime', datetime);
  if (!options.withoutCollections) {
    let collections = state.collections;
    if (options.collectionScope) {
      const scope = new Set(options.collectionScope);
      collections = collections.length > 0 ? collections.filter((c) => scope.has(c)) : options.collectionScope;
      // Nothing is left: a collection id no item can have keeps the answer empty, as it should be.
      if (collections.length === 0) collections = ['-'];
    }
    if (collections.length > 0) params.set('collections', collections.join(','));
  }
  const filter = propertyFilter(state.properties, options.arrayProperties ?? new Set());
  if (filter) {
    params.set('filter', filter);
    params.set('filter-lang', 'cql2-text');
  }
  const sort = state.sort || (state.q ? '' : '-datetime');
  if (sort) params.set('sortby', sort);
  if (state.page) params.set('token', state.page);
  return params;
}

/** The search is narrowed by something beyond the map view. */
export function hasCriteria(state: SearchState): boolean {
  return Boolean(state.q || state.bbox || state.intersects || state.from || state.to || state.collections.length || state.accounts.length
    || state.tags.length || state.licenses.length || Object.keys(state.properties).length);
}

/** An axis-aligned rectangle (what a box drawn on the map is) as a bbox; undefined for any other polygon. */
export function polygonAsBbox(polygon: Polygon): Bbox | undefined {
  const ring = polygon.coordinates[0];
  if (polygon.coordinates.length !== 1 || ring.length !== 5) return undefined;
  const xs = [...new Set(ring.map(([x]) => x))];
  const ys = [...new Set(ring.map(([, y]) => y))];
  if (xs.length !== 2 || ys.length !== 2) return undefined;
  // Each edge runs along a meridian or a parallel: true of a rectangle, not of a bow tie through the same corners.
  const axisAligned = ring.slice(0, 4).every(([x, y], i) => (x === ring[i + 1][0]) !== (y === ring[i + 1][1]));
  if (!axisAligned) return undefined;
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}
