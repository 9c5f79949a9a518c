// Deterministic synthetic STAC items for the search benchmark: Sentinel-2 and
// Landsat-like scenes with ~1° rotated footprints over land-ish areas, some
// crossing the antimeridian, datetimes over 2015–2025 and the properties, assets
// and links that real items carry (~2–3 KB of JSON each).
import type { MultiPolygon, Polygon, Position } from 'geojson';
import type { StacCollection, StacItem } from '../../core/src/stac/stac-types.ts';
import { seededRandom } from '../../core/src/testing/seeded-random.ts';

export type Random = () => number;

export const between = (random: Random, lo: number, hi: number): number => lo + random() * (hi - lo);
export const pick = <T>(random: Random, list: readonly T[]): T => list[Math.floor(random() * list.length)];
const round = (value: number, digits: number): number => Number(value.toFixed(digits));

/** Rough land areas with a name (for text search) and a weight (how often imaged). */
export interface Region {
  name: string;
  west: number;
  south: number;
  east: number;
  north: number;
  weight: number;
}

export const REGIONS: readonly Region[] = [
  { name: 'Great Plains', west: -110, south: 30, east: -90, north: 50, weight: 6 },
  { name: 'Rocky Mountains', west: -122, south: 35, east: -105, north: 55, weight: 4 },
  { name: 'Appalachians', west: -90, south: 32, east: -70, north: 46, weight: 4 },
  { name: 'Canadian Shield', west: -100, south: 48, east: -65, north: 62, weight: 3 },
  { name: 'Alaska', west: -165, south: 58, east: -141, north: 70, weight: 2 },
  { name: 'Mexico', west: -108, south: 15, east: -92, north: 30, weight: 3 },
  { name: 'Amazon', west: -75, south: -15, east: -48, north: 3, weight: 5 },
  { name: 'Andes', west: -78, south: -45, east: -65, north: -5, weight: 3 },
  { name: 'Pampas', west: -66, south: -40, east: -56, north: -28, weight: 2 },
  { name: 'Patagonia', west: -74, south: -55, east: -64, north: -40, weight: 1 },
  { name: 'Western Europe', west: -9, south: 36, east: 15, north: 55, weight: 8 },
  { name: 'Alps', west: 5, south: 44, east: 16, north: 48.5, weight: 3 },
  { name: 'Scandinavia', west: 5, south: 55, east: 30, north: 71, weight: 3 },
  { name: 'Eastern Europe', west: 15, south: 42, east: 40, north: 60, weight: 5 },
  { name: 'Sahara', west: -15, south: 16, east: 32, north: 32, weight: 4 },
  { name: 'Sahel', west: -17, south: 10, east: 35, north: 16, weight: 3 },
  { name: 'Congo Basin', west: 12, south: -8, east: 30, north: 5, weight: 3 },
  { name: 'East Africa', west: 29, south: -12, east: 42, north: 12, weight: 3 },
  { name: 'Southern Africa', west: 15, south: -34, east: 33, north: -15, weight: 3 },
  { name: 'Arabian Peninsula', west: 36, south: 13, east: 58, north: 30, weight: 2 },
  { name: 'Central Asia', west: 50, south: 36, east: 85, north: 52, weight: 3 },
  { name: 'Siberia', west: 60, south: 50, east: 140, north: 72, weight: 4 },
  { name: 'Chukotka', west: 160, south: 62, east: 180, north: 70, weight: 1 },
  { name: 'Indian Subcontinent', west: 68, south: 8, east: 90, north: 32, weight: 6 },
  { name: 'Tibetan Plateau', west: 78, south: 28, east: 100, north: 38, weight: 2 },
  { name: 'North China Plain', west: 105, south: 28, east: 122, north: 42, weight: 6 },
  { name: 'Mekong', west: 98, south: 8, east: 110, north: 23, weight: 3 },
  { name: 'Indonesia', west: 95, south: -10, east: 141, north: 6, weight: 3 },
  { name: 'Japan', west: 129, south: 31, east: 146, north: 45, weight: 2 },
  { name: 'Australian Outback', west: 115, south: -35, east: 150, north: -12, weight: 4 },
  { name: 'New Zealand', west: 166, south: -47, east: 179, north: -34, weight: 1 },
  // Places straddling the antimeridian: their footprints are split in two.
  { name: 'Fiji', west: 176, south: -21, east: 180, north: -12, weight: 0.5 },
  { name: 'Bering Strait', west: 178, south: 60, east: 180, north: 68, weight: 0.5 },
];

const REGION_WEIGHT = REGIONS.reduce((sum, r) => sum + r.weight, 0);

export function pickRegion(random: Random): Region {
  let x = random() * REGION_WEIGHT;
  for (const region of REGIONS) {
    x -= region.weight;
    if (x <= 0) return region;
  }
  return REGIONS[REGIONS.length - 1];
}

type Family = 'sentinel-2' | 'landsat';

export interface CollectionSpec {
  id: string;
  family: Family;
  title: string;
  level: string;
  /** Share of all items. */
  weight: number;
}

export const COLLECTIONS: readonly CollectionSpec[] = [
  { id: 'sentinel-2-l2a', family: 'sentinel-2', title: 'Sentinel-2 Level-2A', level: 'L2A', weight: 24 },
  { id: 'sentinel-2-l1c', family: 'sentinel-2', title: 'Sentinel-2 Level-1C', level: 'L1C', weight: 16 },
  { id: 'sentinel-2-c1-l2a', family: 'sentinel-2', title: 'Sentinel-2 Collection 1 Level-2A', level: 'L2A', weight: 8 },
  { id: 'hls-s30', family: 'sentinel-2', title: 'Harmonized Landsat Sentinel-2 S30', level: 'L2', weight: 6 },
  { id: 'sentinel-2-ard', family: 'sentinel-2', title: 'Sentinel-2 Analysis Ready Data', level: 'ARD', weight: 4 },
  { id: 'landsat-c2-l2', family: 'landsat', title: 'Landsat Collection 2 Level-2', level: 'L2SP', weight: 16 },
  { id: 'landsat-c2-l1', family: 'landsat', title: 'Landsat Collection 2 Level-1', level: 'L1TP', weight: 12 },
  { id: 'hls-l30', family: 'landsat', title: 'Harmonized Landsat Sentinel-2 L30', level: 'L2', weight: 6 },
  { id: 'landsat-c2-st', family: 'landsat', title: 'Landsat Collection 2 Surface Temperature', level: 'ST', weight: 5 },
  { id: 'landsat-c2-ard', family: 'landsat', title: 'Landsat Collection 2 U.S. Analysis Ready Data', level: 'ARD', weight: 3 },
];

const COLLECTION_WEIGHT = COLLECTIONS.reduce((sum, c) => sum + c.weight, 0);

export const ROOT = 'https://meridian.example.org/stac';
export const DATA = 'https://data.example.org';

const START_2015 = Date.UTC(2015, 6, 1);
const END_2025 = Date.UTC(2025, 11, 31);
const S2B_LAUNCH = Date.UTC(2017, 2, 7);
const L9_LAUNCH = Date.UTC(2021, 9, 31);

export function collectionDocuments(): StacCollection[] {
  return COLLECTIONS.map((c): StacCollection => ({
    type: 'Collection',
    stac_version: '1.0.0',
    stac_extensions: [
      'https://stac-extensions.github.io/eo/v1.1.0/schema.json',
      'https://stac-extensions.github.io/projection/v1.1.0/schema.json',
      'https://stac-extensions.github.io/view/v1.0.0/schema.json',
    ],
    id: c.id,
    title: c.title,
    description: `${c.title} scenes (synthetic, for the Meridian search benchmark).`,
    keywords: c.family === 'sentinel-2' ? ['sentinel', 'copernicus', 'esa', 'msi', 'optical'] : ['landsat', 'usgs', 'nasa', 'oli', 'tirs', 'optical'],
    license: c.family === 'sentinel-2' ? 'proprietary' : 'PDDL-1.0',
    providers: [{ name: c.family === 'sentinel-2' ? 'ESA' : 'USGS', roles: ['producer', 'licensor'] }],
    extent: {
      spatial: { bbox: [[-180, -60, 180, 75]] },
      temporal: { interval: [[new Date(START_2015).toISOString(), null]] },
    },
    summaries: {
      platform: c.family === 'sentinel-2' ? ['sentinel-2a', 'sentinel-2b'] : ['landsat-8', 'landsat-9'],
      gsd: c.family === 'sentinel-2' ? [10, 20, 60] : [30],
    },
    links: [
      { rel: 'self', href: `${ROOT}/collections/${c.id}`, type: 'application/json' },
      { rel: 'root', href: ROOT, type: 'application/json' },
      { rel: 'items', href: `${ROOT}/collections/${c.id}/items`, type: 'application/geo+json' },
    ],
  }));
}

/** Positions of a rectangle of `width`×`height` km centred on (lon, lat), turned by `angle` degrees. */
function rotatedQuad(lon: number, lat: number, widthKm: number, heightKm: number, angle: number): Position[] {
  const rad = (angle * Math.PI) / 180;
  const kmPerDegLat = 110.57;
  const kmPerDegLon = 111.32 * Math.cos((lat * Math.PI) / 180);
  const corners: [number, number][] = [[-1, -1], [1, -1], [1, 1], [-1, 1]];
  const ring = corners.map(([sx, sy]): Position => {
    const x = (sx * widthKm) / 2;
    const y = (sy * heightKm) / 2;
    const xr = x * Math.cos(rad) - y * Math.sin(rad);
    const yr = x * Math.sin(rad) + y * Math.cos(rad);
    return [lon + xr / kmPerDegLon, lat + yr / kmPerDegLat];
  });
  return [...ring, ring[0]];
}

/** Clips a convex ring (longitudes possibly beyond ±180) to x ≤ edge (keepBelow) or x ≥ edge. */
function clipRing(ring: Position[], edge: number, keepBelow: boolean): Position[] {
  const inside = (p: Position) => (keepBelow ? p[0] <= edge : p[0] >= edge);
  const out: Position[] = [];
  for (let i = 0; i < ring.length - 1; i++) {
    const a = ring[i];
    const b = ring[i + 1];
    if (inside(a)) out.push(a);
    if (inside(a) !== inside(b)) {
      const t = (edge - a[0]) / (b[0] - a[0]);
      out.push([edge, a[1] + t * (b[1] - a[1])]);
    }
  }
  if (out.length > 0) out.push(out[0]);
  return out;
}

const roundRing = (ring: Position[]): Position[] => ring.map(([x, y]) => [round(x, 6), round(y, 6)]);

/** Footprint geometry and STAC bbox; crossing ±180 gives a MultiPolygon and west > east. */
export function footprint(lon: number, lat: number, widthKm: number, heightKm: number, angle: number): { geometry: Polygon | MultiPolygon; bbox: number[] } {
  const ring = rotatedQuad(lon, lat, widthKm, heightKm, angle);
  const xs = ring.map((p) => p[0]);
  const ys = ring.map((p) => p[1]);
  const south = round(Math.min(...ys), 6);
  const north = round(Math.max(...ys), 6);
  const minX = Math.min(...xs);
  const maxX = Math.max(...xs);
  if (maxX > 180) {
    const west = clipRing(ring, 180, true);
    const east = clipRing(ring, 180, false).map(([x, y]): Position => [x - 360, y]);
    return { geometry: { type: 'MultiPolygon', coordinates: [[roundRing(west)], [roundRing(east)]] }, bbox: [round(minX, 6), south, round(maxX - 360, 6), north] };
  }
  if (minX < -180) {
    const west = clipRing(ring, -180, true).map(([x, y]): Position => [x + 360, y]);
    const east = clipRing(ring, -180, false);
    return { geometry: { type: 'MultiPolygon', coordinates: [[roundRing(west)], [roundRing(east)]] }, bbox: [round(minX + 360, 6), south, round(maxX, 6), north] };
  }
  return { geometry: { type: 'Polygon', coordinates: [roundRing(ring)] }, bbox: [round(minX, 6), south, round(maxX, 6), north] };
}

const MGRS_BANDS = 'CDEFGHJKLMNPQRSTUVWX';
const LETTERS = [...'ABCDEFGHJKLMNPQRSTUVWXYZ'];

function utmZone(lon: number): number {
  return Math.min(60, Math.max(1, Math.floor((lon + 180) / 6) + 1));
}

function mgrsTile(lon: number, lat: number, random: Random): string {
  const band = MGRS_BANDS[Math.min(19, Math.max(0, Math.floor((lat + 80) / 8)))];
  return `${String(utmZone(lon)).padStart(2, '0')}${band}${pick(random, LETTERS)}${pick(random, LETTERS)}`;
}

const compact = (iso: string): string => iso.replace(/[-:]/g, '').slice(0, 15);

function cloudCover(random: Random): number {
  // Many near-clear scenes, a long tail of cloudy ones.
  const u = random();
  return round(Math.min(100, u < 0.3 ? u * 10 : u < 0.8 ? 3 + (u - 0.3) * 80 : 43 + (u - 0.8) * 285), 2);
}

function sunElevation(lat: number, ms: number): number {
  const dayOfYear = (ms - Date.UTC(new Date(ms).getUTCFullYear(), 0, 1)) / 86_400_000;
  const declination = 23.44 * Math.sin(((2 * Math.PI) / 365) * (dayOfYear - 81));
  return Math.max(2, 90 - Math.abs(lat - declination) - 12);
}

const S2_BANDS: [string, string, number][] = [
  ['blue', 'B02', 10], ['green', 'B03', 10], ['red', 'B04', 10], ['nir', 'B08', 10], ['scl', 'SCL', 20],
];
const LANDSAT_BANDS: [string, string, number][] = [
  ['blue', 'SR_B2', 30], ['green', 'SR_B3', 30], ['red', 'SR_B4', 30], ['nir08', 'SR_B5', 30], ['qa_pixel', 'QA_PIXEL', 30],
];

/** Items number `index` onwards of the deterministic catalogue; item i is the same on every run. */
export function syntheticItem(index: number, seed = 1): StacItem {
  const random = seededRandom((seed * 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b));
  let c = random() * COLLECTION_WEIGHT;
  let spec = COLLECTIONS[COLLECTIONS.length - 1];
  for (const candidate of COLLECTIONS) {
    c -= candidate.weight;
    if (c <= 0) { spec = candidate; break; }
  }
  const region = pickRegion(random);
  const lat = between(random, region.south, region.north);
  const lon = between(random, region.west, region.east);
  const sentinel = spec.family === 'sentinel-2';
  // A scene is ~110 km (Sentinel-2 tile) or ~185 km (Landsat WRS-2), turned by the orbit's heading.
  const size = sentinel ? 109.8 : between(random, 170, 185);
  const angle = sentinel ? between(random, -3, 3) : between(random, -14, -8) * (lat < 0 ? -1 : 1);
  const { geometry, bbox } = footprint(lon, lat, size, sentinel ? 109.8 : size * 0.95, angle);

  const ms = Math.floor(between(random, sentinel ? START_2015 : Date.UTC(2015, 0, 1), END_2025));
  const platform = sentinel
    ? (ms > S2B_LAUNCH && random() < 0.5 ? 'sentinel-2b' : 'sentinel-2a')
    : (ms > L9_LAUNCH && random() < 0.5 ? 'landsat-9' : 'landsat-8');
  const datetime = new Date(ms).toISOString();
  const day = datetime.slice(0, 10);
  const processed = new Date(ms + Math.floor(between(random, 3, 60) * 3_600_000)).toISOString();
  const cloud = cloudCover(random);
  const zone = utmZone(lon);
  const epsg = (lat >= 0 ? 32600 : 32700) + zone;
  const sunElev = round(sunElevation(lat, ms) + between(random, -3, 3), 6);
  const sunAz = round(between(random, 100, 170) * (lat < 0 ? 0.6 : 1) + (lat < 0 ? 60 : 0), 6);
  const suffix = index.toString(36).padStart(5, '0');

  let id: string;
  let title: string;
  let description: string;
  let properties: Record<string, unknown>;
  let bandList: [string, string, number][];
  let prefix: string;
  if (sentinel) {
    const tile = mgrsTile(lon, lat, random);
    const sat = platform === 'sentinel-2a' ? 'S2A' : 'S2B';
    const orbit = Math.floor(between(random, 1, 143));
    id = `${sat}_${spec.level}_${compact(datetime)}_R${String(orbit).padStart(3, '0')}_T${tile}_${suffix}`;
    title = `${sat} ${spec.level} ${tile} ${day}`;
    description = `Sentinel-2${platform.slice(-1).toUpperCase()} MultiSpectral Instrument ${spec.level} scene of tile ${tile} over ${region.name}, `
      + `acquired ${day} on relative orbit ${orbit}, ${cloud < 10 ? 'mostly clear' : cloud < 50 ? 'partly cloudy' : 'cloudy'}.`;
    prefix = `${DATA}/s2/${tile}/${day.slice(0, 4)}/${id}`;
    bandList = S2_BANDS;
    properties = {
      datetime,
      platform,
      constellation: 'sentinel-2',
      instruments: ['msi'],
      'eo:cloud_cover': cloud,
      's2:mgrs_tile': tile,
      'mgrs:utm_zone': zone,
      'mgrs:latitude_band': tile[2],
      'mgrs:grid_square': tile.slice(3),
      's2:processing_baseline': pick(random, ['04.00', '05.09', '05.10', '05.11']),
      's2:product_type': `S2MSI${spec.level === 'L1C' ? '1C' : '2A'}`,
      's2:nodata_pixel_percentage': round(random() < 0.6 ? 0 : between(random, 0, 80), 4),
      's2:vegetation_percentage': round(between(random, 0, 70), 4),
      'sat:relative_orbit': orbit,
      'sat:orbit_state': 'descending',
    };
  } else {
    const path = Math.floor(between(random, 1, 234));
    const row = Math.max(1, Math.min(248, Math.round(((90 - lat) / 180) * 248)));
    const sat = platform === 'landsat-8' ? 'LC08' : 'LC09';
    const pr = `${String(path).padStart(3, '0')}${String(row).padStart(3, '0')}`;
    id = `${sat}_${spec.level}_${pr}_${day.replace(/-/g, '')}_02_T1_${suffix}`;
    title = `${sat} ${spec.level} ${pr} ${day}`;
    description = `Landsat ${platform.slice(-1)} OLI/TIRS ${spec.level} scene of WRS-2 path ${path} row ${row} over ${region.name}, `
      + `acquired ${day}, ${cloud < 10 ? 'mostly clear' : cloud < 50 ? 'partly cloudy' : 'cloudy'}.`;
    prefix = `${DATA}/landsat/c2/${pr}/${id}`;
    bandList = LANDSAT_BANDS;
    properties = {
      datetime,
      platform,
      constellation: 'landsat',
      instruments: ['oli', 'tirs'],
      'eo:cloud_cover': cloud,
      'landsat:cloud_cover_land': round(Math.min(100, cloud * between(random, 0.7, 1.2)), 2),
      'landsat:wrs_type': '2',
      'landsat:wrs_path': String(path).padStart(3, '0'),
      'landsat:wrs_row': String(row).padStart(3, '0'),
      'landsat:collection_category': random() < 0.85 ? 'T1' : 'T2',
      'landsat:collection_number': '02',
      'landsat:correction': spec.level,
      'landsat:scene_id': `${sat.replace('C0', 'C')}${pr}${day.slice(0, 4)}${String(Math.floor(between(random, 1, 366))).padStart(3, '0')}LGN00`,
      'view:off_nadir': 0,
    };
  }

  Object.assign(properties, {
    title,
    description,
    gsd: sentinel ? 10 : 30,
    'proj:epsg': epsg,
    'view:sun_elevation': sunElev,
    'view:sun_azimuth': sunAz,
    created: processed,
    updated: processed,
  });

  const assets: Record<string, unknown> = {
    thumbnail: { href: `${prefix}/thumb.jpg`, type: 'image/jpeg', roles: ['thumbnail'] },
    metadata: { href: `${prefix}/metadata.xml`, type: 'application/xml', roles: ['metadata'] },
  };
  for (const [key, band, gsd] of bandList) {
    assets[key] = { href: `${prefix}/${band}.tif`, type: 'image/tiff; application=geotiff; profile=cloud-optimized', roles: ['data'], gsd };
  }

  return {
    type: 'Feature',
    stac_version: '1.0.0',
    stac_extensions: [
      'https://stac-extensions.github.io/eo/v1.1.0/schema.json',
      'https://stac-extensions.github.io/projection/v1.1.0/schema.json',
      'https://stac-extensions.github.io/view/v1.0.0/schema.json',
    ],
    id,
    collection: spec.id,
    geometry,
    bbox,
    properties,
    links: [
      { rel: 'self', href: `${ROOT}/collections/${spec.id}/items/${id}`, type: 'application/geo+json' },
      { rel: 'parent', href: `${ROOT}/collections/${spec.id}`, type: 'application/json' },
      { rel: 'collection', href: `${ROOT}/collections/${spec.id}`, type: 'application/json' },
      { rel: 'root', href: ROOT, type: 'application/json' },
    ],
    assets,
  };
}

export function* syntheticBatches(total: number, batchSize: number, seed = 1): Generator<StacItem[]> {
  for (let start = 0; start < total; start += batchSize) {
    const batch: StacItem[] = [];
    for (let i = start; i < Math.min(total, start + batchSize); i++) batch.push(syntheticItem(i, seed));
    yield batch;
  }
}
