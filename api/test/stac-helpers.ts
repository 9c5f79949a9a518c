// Shared pieces of the STAC API HTTP tests: a small client over the global fetch,
// the fixtures (copied from public STAC projects into ./fixtures) and the facts
// about them that the tests compute their expectations from.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startTestServer, type TestServer } from './test-server.ts';
import { seededRandom } from '@meridian/core/testing/seeded-random';

export type Json = any;

export const GEOJSON = 'application/geo+json';
export const JSON_TYPE = 'application/json';
export const SCHEMA_JSON = 'application/schema+json';
export const OPENAPI_JSON = 'application/vnd.oai.openapi+json;version=3.0';
export const REL_QUERYABLES = 'http://www.opengis.net/def/rel/ogc/1.0/queryables';
export const REL_SORTABLES = 'http://www.opengis.net/def/rel/ogc/1.0/sortables';

export const S2 = 'sentinel-2-c1-l2a';
export const JOPLIN = 'joplin';
export const L1C = 'sentinel2-l1c-example';
export const SIMPLE = 'simple-collection';
export const ALL_COLLECTIONS = [JOPLIN, L1C, S2, SIMPLE].sort();

export function fixture(path: string): Json {
  return JSON.parse(readFileSync(new URL(`./fixtures/${path}`, import.meta.url), 'utf8'));
}

export interface Fixtures {
  collections: Record<string, Json>;
  s2: Json[];
  joplin: Json[];
  /** Sentinel-2 L1C item whose footprint crosses the antimeridian (bbox west > east). */
  antimeridian: Json;
  /** The stac-spec core item: datetime null, only start_datetime/end_datetime. */
  rangeOnly: Json;
  all: Json[];
}

export function fixtures(): Fixtures {
  const s2 = fixture('sentinel-2/item-collection.json').features as Json[];
  const joplin = fixture('joplin/index.geojson').features as Json[];
  const antimeridian = fixture('sentinel2-l1c-example/S2A_T01LAC_20200717T221944_L1C.json');
  const rangeOnly = fixture('stac-spec/core-item.json');
  return {
    collections: {
      [S2]: fixture('sentinel-2/collection.json'),
      [JOPLIN]: fixture('joplin/collection.json'),
      [L1C]: fixture('sentinel2-l1c-example/collection.json'),
      [SIMPLE]: fixture('stac-spec/collection.json'),
    },
    s2,
    joplin,
    antimeridian,
    rangeOnly,
    all: [...s2, ...joplin, antimeridian, rangeOnly],
  };
}

export interface Reply {
  status: number;
  headers: Headers;
  type: string;
  text: string;
  body: Json;
}

export interface RequestOptions {
  body?: unknown;
  /** Sent as is when a string, else JSON-encoded. */
  raw?: boolean;
  headers?: Record<string, string>;
  /** Send the admin bearer token (default false). */
  auth?: boolean;
}

export class Client {
  /** A test server, or any running Meridian: only its STAC root and admin token are used. */
  readonly server: Pick<TestServer, 'stac' | 'adminToken'>;
  constructor(server: Pick<TestServer, 'stac' | 'adminToken'>) {
    this.server = server;
  }

  /** An absolute URL under the STAC root; absolute URLs pass through. */
  url(path: string): string {
    return /^https?:/.test(path) ? path : `${this.server.stac}${path}`;
  }

  async request(method: string, path: string, options: RequestOptions = {}): Promise<Reply> {
    const headers: Record<string, string> = { ...options.headers };
    let body: string | undefined;
    if (options.body !== undefined) {
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      headers['content-type'] ??= JSON_TYPE;
    }
    if (options.auth) headers.authorization ??= `Bearer ${this.server.adminToken}`;
    const response = await fetch(this.url(path), { method, headers, body, redirect: 'manual' });
    const text = await response.text();
    const type = response.headers.get('content-type') ?? '';
    let parsed: Json;
    if (/json/.test(type) && text !== '') parsed = JSON.parse(text);
    return { status: response.status, headers: response.headers, type, text, body: parsed };
  }

  get(path: string, headers?: Record<string, string>): Promise<Reply> {
    return this.request('GET', path, { headers });
  }

  /** GET with query parameters, encoded by URLSearchParams. */
  query(path: string, params: Record<string, string | number>): Promise<Reply> {
    const search = new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]));
    return this.get(`${path}?${search}`);
  }

  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Reply> {
    return this.request('POST', path, { body, headers });
  }

  write(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply> {
    return this.request(method, path, { body, headers, auth: true });
  }
}

/** Loads every fixture collection and item through the transaction endpoints. */
export async function loadFixtures(client: Client, data: Fixtures = fixtures()): Promise<void> {
  for (const collection of Object.values(data.collections)) {
    const reply = await client.write('POST', '/collections', collection);
    assert.equal(reply.status, 201, reply.text);
  }
  const bulk = async (collection: string, features: Json[]) => {
    const reply = await client.write('POST', `/collections/${collection}/items`, { type: 'FeatureCollection', features });
    assert.equal(reply.status, 201, reply.text);
    assert.deepEqual(reply.body, { written: features.length, errors: [] });
  };
  await bulk(S2, data.s2);
  await bulk(JOPLIN, data.joplin);
  for (const item of [data.antimeridian, data.rangeOnly]) {
    const reply = await client.write('POST', `/collections/${item.collection}/items`, item, { 'content-type': GEOJSON });
    assert.equal(reply.status, 201, reply.text);
  }
}

/** A fresh server with the fixtures loaded through its own transaction endpoints. */
export async function startLoadedServer(data: Fixtures): Promise<{ server: TestServer; client: Client }> {
  const server = await startTestServer();
  const client = new Client(server);
  await loadFixtures(client, data);
  return { server, client };
}

/** Asserts an OGC API error response: the status, a JSON {code, description} body, and a message matching `pattern`. */
export function assertError(reply: Reply, status: number, pattern?: RegExp): void {
  assert.equal(reply.status, status, `expected ${status}, got ${reply.status}: ${reply.text.slice(0, 500)}`);
  assert.match(reply.type, /^application\/json/, `error content type: ${reply.type}`);
  assert.equal(typeof reply.body?.code, 'string', reply.text);
  assert.ok(reply.body.code.length > 0, reply.text);
  assert.equal(typeof reply.body?.description, 'string', reply.text);
  assert.ok(reply.body.description.length > 5, reply.text);
  if (pattern) assert.match(reply.body.description, pattern);
}

export function assertOk(reply: Reply, type: string = GEOJSON): void {
  assert.equal(reply.status, 200, `expected 200, got ${reply.status}: ${reply.text.slice(0, 500)}`);
  assert.equal(reply.type.split(';')[0].trim(), type, `content type of ${reply.text.slice(0, 100)}`);
}

export function ids(reply: Reply): string[] {
  return (reply.body.features as Json[]).map((f) => f.id);
}

export const sorted = (values: string[]): string[] => [...values].sort();

export function link(doc: Json, rel: string, method?: string): Json {
  const found = (doc.links as Json[]).filter((l) => l.rel === rel && (method === undefined || (l.method ?? 'GET') === method));
  assert.equal(found.length, 1, `exactly one "${rel}"${method ? ` ${method}` : ''} link in ${JSON.stringify(doc.links)}`);
  return found[0];
}

export function maybeLink(doc: Json, rel: string): Json | undefined {
  return (doc.links as Json[]).find((l) => l.rel === rel);
}

/** Follows a next/prev link as the link says: GET its href, or POST its body. */
export function follow(client: Client, l: Json): Promise<Reply> {
  if ((l.method ?? 'GET') === 'POST') return client.post(l.href, l.body);
  return client.get(l.href);
}

export interface Walk {
  pages: string[][];
  first: Reply;
  last: Reply;
}

/**
 * Follows `rel` links from a first page until there are none, checking each page's
 * counts on the way; returns the ids of each page.
 */
export async function walk(client: Client, first: Reply, rel: 'next' | 'prev', key = 'features', maxPages = 100): Promise<Walk> {
  const pages: string[][] = [];
  let page = first;
  for (;;) {
    assert.equal(page.status, 200, page.text);
    const members = page.body[key] as Json[];
    assert.equal(page.body.numberReturned, members.length, 'numberReturned is the page size');
    assert.equal(page.body.numberMatched, first.body.numberMatched, 'numberMatched is the same on every page');
    pages.push(members.map((m) => m.id));
    const l = maybeLink(page.body, rel);
    if (!l) return { pages, first, last: page };
    assert.ok(pages.length < maxPages, `more than ${maxPages} pages: a paging loop?`);
    page = await follow(client, l);
  }
}

/** Properties (or core members) of the fixture items, for computing expected results. */
export function datetimeRange(item: Json): [number, number] {
  const p = item.properties;
  const start = Date.parse(p.start_datetime ?? p.datetime);
  const end = Date.parse(p.end_datetime ?? p.datetime);
  return [start, end];
}

/** Planar point-in-polygon (even-odd rule over all rings) for fixture footprints. */
export function pointInGeometry([x, y]: number[], geometry: Json): boolean {
  const polygons: number[][][][] = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.type === 'MultiPolygon' ? geometry.coordinates : [];
  return polygons.some((rings) => {
    let inside = false;
    for (const ring of rings) {
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        const [xi, yi] = ring[i];
        const [xj, yj] = ring[j];
        if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
      }
    }
    return inside;
  });
}

export function bboxPolygon([w, s, e, n]: number[]): Json {
  return { type: 'Polygon', coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]] };
}

type Position = number[];
interface Parts { segments: [Position, Position][]; vertices: Position[]; polygons: Position[][][] }

function parts(geometry: Json, into: Parts = { segments: [], vertices: [], polygons: [] }): Parts {
  const line = (positions: Position[]) => {
    into.vertices.push(...positions);
    for (let i = 1; i < positions.length; i++) into.segments.push([positions[i - 1], positions[i]]);
  };
  const point = (p: Position) => {
    into.vertices.push(p);
    into.segments.push([p, p]);
  };
  switch (geometry.type) {
    case 'Point': point(geometry.coordinates); break;
    case 'MultiPoint': geometry.coordinates.forEach(point); break;
    case 'LineString': line(geometry.coordinates); break;
    case 'MultiLineString': geometry.coordinates.forEach(line); break;
    case 'Polygon': geometry.coordinates.forEach(line); into.polygons.push(geometry.coordinates); break;
    case 'MultiPolygon': for (const rings of geometry.coordinates) { rings.forEach(line); into.polygons.push(rings); } break;
    case 'GeometryCollection': for (const member of geometry.geometries) parts(member, into); break;
    default: throw new Error(`no oracle for ${geometry.type}`);
  }
  return into;
}

function orientation(a: Position, b: Position, c: Position): number {
  const v = (b[1] - a[1]) * (c[0] - b[0]) - (b[0] - a[0]) * (c[1] - b[1]);
  return v === 0 ? 0 : v > 0 ? 1 : 2;
}

function onSegment(a: Position, b: Position, c: Position): boolean {
  return Math.min(a[0], c[0]) <= b[0] && b[0] <= Math.max(a[0], c[0]) && Math.min(a[1], c[1]) <= b[1] && b[1] <= Math.max(a[1], c[1]);
}

function segmentsCross([p1, q1]: [Position, Position], [p2, q2]: [Position, Position]): boolean {
  const o1 = orientation(p1, q1, p2), o2 = orientation(p1, q1, q2), o3 = orientation(p2, q2, p1), o4 = orientation(p2, q2, q1);
  if (o1 !== o2 && o3 !== o4) return true;
  return (o1 === 0 && onSegment(p1, p2, q1)) || (o2 === 0 && onSegment(p1, q2, q1)) || (o3 === 0 && onSegment(p2, p1, q2)) || (o4 === 0 && onSegment(p2, q1, q2));
}

/**
 * A planar intersection test, independent of the code under test, to compute
 * expected search results: two geometries intersect when an edge of one meets an
 * edge of the other, or a vertex of one lies inside a polygon of the other.
 */
export function geometriesIntersect(a: Json, b: Json): boolean {
  const pa = parts(a);
  const pb = parts(b);
  if (pa.segments.some((s) => pb.segments.some((t) => segmentsCross(s, t)))) return true;
  const inside = (vertices: Position[], polygons: Position[][][]) =>
    vertices.some((v) => polygons.some((rings) => pointInGeometry(v, { type: 'Polygon', coordinates: rings })));
  return inside(pa.vertices, pb.polygons) || inside(pb.vertices, pa.polygons);
}
