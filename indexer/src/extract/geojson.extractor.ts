// GeoJSON → a STAC Item: the file is stream-parsed in chunks (never held as one
// parsed document), each feature's geometry folded into the footprint and
// counted. A file over the read cap is refused by its size before any byte is
// read. A top-level `bbox` wins over the computed one; a legacy `crs` member
// naming an EPSG code is honoured.
import { JSONParser } from '@streamparser/json';
import type { Geometry } from 'geojson';
import { geometryBbox, type Bbox2D } from '@meridian/core/geo/bbox';
import { MEDIA_TYPES } from '@meridian/core/stac/media-types';
import { DEFAULT_READ_CAP, TooLargeError } from './byte-source.ts';
import { problemText, type ExtractInput, type ExtractOptions, type ExtractResult } from './extraction.ts';
import { projectionFields, vectorItem } from './vector-item.ts';

const CHUNK = 1024 * 1024;
const GEOMETRY_TYPES = new Set(['Point', 'MultiPoint', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon', 'GeometryCollection']);

function epsgOfLegacyCrs(crs: unknown): number | undefined {
  const name = (crs as { properties?: { name?: unknown } } | null)?.properties?.name;
  if (typeof name !== 'string') return undefined;
  if (/CRS84$/i.test(name)) return 4326;
  const match = /EPSG:{1,2}(\d+)$/i.exec(name);
  return match ? Number(match[1]) : undefined;
}

function union(a: Bbox2D | undefined, b: Bbox2D | undefined): Bbox2D | undefined {
  if (!a) return b;
  if (!b) return a;
  return [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])];
}

export async function extractGeojson(input: ExtractInput, options: ExtractOptions = {}): Promise<ExtractResult> {
  const cap = options.readCap ?? DEFAULT_READ_CAP;
  const problem = (message: string): ExtractResult => ({ problems: [{ path: input.key, message }] });
  if (input.source.size > cap) return problem(new TooLargeError(input.key, input.source.size, cap).message);

  let type: unknown;
  let declaredBbox: unknown;
  let crs: unknown;
  let box: Bbox2D | undefined;
  let features = 0;
  const geometryTypes = new Set<string>();
  const fold = (geometry: unknown) => {
    if (typeof geometry !== 'object' || geometry === null || !GEOMETRY_TYPES.has(String((geometry as Geometry).type))) return;
    geometryTypes.add((geometry as Geometry).type);
    try {
      box = union(box, geometryBbox(geometry as Geometry));
    } catch {
      // A geometry whose coordinates are not arrays adds nothing to the box.
    }
  };
  const parser = new JSONParser({ paths: ['$.type', '$.bbox', '$.crs', '$.features.*', '$.geometry', '$.geometries', '$.coordinates'], keepStack: false });
  let bareGeometry: Record<string, unknown> = {};
  parser.onValue = ({ value, key, stack }) => {
    if (stack.length === 1 && key === 'type') type = value;
    else if (stack.length === 1 && key === 'bbox') declaredBbox = value;
    else if (stack.length === 1 && key === 'crs') crs = value;
    else if (stack.length === 1 && key === 'geometry') fold(value);
    else if (stack.length === 1 && (key === 'coordinates' || key === 'geometries')) bareGeometry = { ...bareGeometry, [key]: value };
    else if (stack.length === 2) {
      features++;
      fold((value as { geometry?: unknown } | null)?.geometry);
    }
  };
  try {
    for (let at = 0; at < input.source.size; at += CHUNK) parser.write(await input.source.read(at, at + CHUNK));
    if (!parser.isEnded) parser.end();
  } catch (error) {
    return problem(`not valid JSON: ${problemText(error)}`);
  }
  if (type === 'Feature') features = 1;
  else if (typeof type === 'string' && GEOMETRY_TYPES.has(type)) {
    features = 1;
    fold({ type, ...bareGeometry });
  } else if (type !== 'FeatureCollection') return problem(`not GeoJSON: "type" is ${JSON.stringify(type)}`);

  const epsg = crs === undefined ? 4326 : epsgOfLegacyCrs(crs);
  return vectorItem(input, {
    box: (Array.isArray(declaredBbox) ? declaredBbox : box) as number[] | undefined,
    epsg,
    properties: {
      'table:row_count': features,
      // WGS84 is every GeoJSON file's CRS (RFC 7946): only a legacy "crs" member that says otherwise is stated.
      ...projectionFields(epsg === 4326 ? undefined : epsg),
      'geojson:geometry_types': [...geometryTypes].sort(),
    },
    mediaType: MEDIA_TYPES.geojson,
  });
}
