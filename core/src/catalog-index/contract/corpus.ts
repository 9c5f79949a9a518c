// The data the catalog index contract runs on: a few real STAC documents copied
// into core/test/fixtures (see the README there), and a synthetic set generated
// here with a seeded generator, so every run and every backend sees the same items.
import { readFileSync } from 'node:fs';
import type { Geometry, Position } from 'geojson';
import type { StacCollection, StacItem } from '../../stac/stac-types.ts';
import { seededRandom } from '../../testing/seeded-random.ts';

const FIXTURES = new URL('../../../test/fixtures/', import.meta.url);

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(new URL(path, FIXTURES), 'utf8')) as T;
}

function withCollection(item: StacItem, collection: string): StacItem {
  return { ...item, collection };
}

export interface Corpus {
  collections: StacCollection[];
  items: StacItem[];
}

/** A minimal valid collection, for fixtures whose collection document was not published with them. */
export function minimalCollection(id: string, bbox: number[], interval: (string | null)[], extra: Partial<StacCollection> = {}): StacCollection {
  return {
    type: 'Collection',
    stac_version: '1.0.0',
    id,
    description: `Test collection ${id}`,
    license: 'other',
    extent: { spatial: { bbox: [bbox] }, temporal: { interval: [interval] } },
    links: [],
    ...extra,
  };
}

/** Ids of real items the contract names in its assertions. */
export const REAL = {
  /** Sentinel-2 L1C tile 01LAC: bbox 179.26 → -179.70 (west > east), MultiPolygon split at ±180. */
  antimeridianL1C: { collection: 'sentinel2-l1c-example', id: 'S2A_T01LAC_20200717T221944_L1C' },
  /** Sentinel-2 L2A tile 01WCS at 68°N, bbox 179.0 → -179.2. */
  antimeridianL2A: { collection: 'sentinel2-l2a-example', id: 'S2A_T01WCS_20230625T234624_L2A' },
  /** IO land cover tiles 60W/60V: MultiPolygons split at ±180, bbox -180..180. */
  lulc60W: { collection: 'io-lulc', id: '60W-2020' },
  lulc60V: { collection: 'io-lulc', id: '60V-2020' },
  /** STAC spec core-item: datetime null, start/end_datetime only. */
  rangeOnly: { collection: 'simple-collection', id: '20201211_223832_CS2' },
  /** pystac null-geom-item: geometry null. */
  nullGeometry: { collection: 'CS3', id: 'CS3-20160503_132131_05' },
};

export function realCorpus(): Corpus {
  const s2 = readJson<{ features: StacItem[] }>('sentinel-2/item-collection.json').features;
  const joplin = readJson<{ features: StacItem[] }>('joplin/index.geojson').features;
  const lulc = readJson<StacItem[]>('io-lulc/io-lulc-pc.json');
  const l1c = readJson<StacItem>('sentinel2-l1c-example/S2A_T01LAC_20200717T221944_L1C.json');
  const l2a = readJson<StacItem>('sentinel2-l2a-example/S2A_MSIL2A_20230625T234621_N0509_R073_T01WCS_20230626T022157.json');
  const core = readJson<StacItem>('stac-spec/core-item.json');
  const nullGeom = readJson<StacItem>('pystac/null-geom-item.json');
  return {
    collections: [
      readJson<StacCollection>('sentinel-2/collection.json'),
      readJson<StacCollection>('joplin/collection.json'),
      readJson<StacCollection>('sentinel2-l1c-example/collection.json'),
      readJson<StacCollection>('sentinel2-l2a-example/collection.json'),
      readJson<StacCollection>('stac-spec/collection.json'),
      minimalCollection('io-lulc', [-180, -90, 180, 90], ['2017-01-01T00:00:00Z', '2021-01-01T00:00:00Z'], {
        title: 'Esri 10-Meter Land Cover (10-class)', keywords: ['Global', 'Land Cover', 'Sentinel'],
      }),
      minimalCollection('CS3', [-180, -90, 180, 90], ['2016-01-01T00:00:00Z', null]),
    ],
    items: [
      ...s2,
      ...joplin,
      ...lulc,
      withCollection(l1c, 'sentinel2-l1c-example'),
      withCollection(l2a, 'sentinel2-l2a-example'),
      core,
      nullGeom,
    ],
  };
}

// ------------------------------------------------------------------ synthetic

export const SYNTHETIC_COLLECTIONS = ['syn-a', 'syn-b'] as const;
export const CITIES = ['Zürich', 'Zurich', 'zürich', 'São Paulo', 'Sao Paulo', 'Montréal', 'Köln', 'Berlin', 'berlin', 'Paris'];
export const PLATFORMS = ['sentinel-2a', 'sentinel-2b', 'landsat-8', 'landsat-9'];
export const TAGS = ['cloud', 'desert', 'forest', 'snow', 'urban', 'water'];
const SUBJECTS = ['glacier', 'harbour', 'vineyard', 'volcano', 'wetland', 'quarry', 'river delta', 'delta river'];
const SEASONS = ['spring', 'summer', 'autumn', 'winter'];
const KEYWORDS = ['flood', 'wildfire', 'drought', 'erosion'];
export const SYNTHETIC_COUNT = 300;

/**
 * Coordinates are k/4 + 0.1 degrees, so no footprint edge lies on an integer
 * meridian or parallel: query boxes at integers never merely touch an item, and
 * the answer cannot depend on how a backend rounds or treats boundaries.
 */
function coordinate(k: number): number {
  return Math.round((k / 4 + 0.1) * 1000) / 1000;
}

function rectangle(w: number, s: number, e: number, n: number): Position[][] {
  return [[[w, s], [e, s], [e, n], [w, n], [w, s]]];
}

const iso = (t: number) => new Date(t).toISOString().replace('.000Z', 'Z');

/**
 * 300 items in two collections: axis-aligned rectangles (most in a cluster over
 * Europe, some worldwide, some touching the antimeridian on either side), a few
 * points, two-part MultiPolygons and null geometries; datetimes over 2020–2023,
 * a tenth of them with only start/end_datetime; numbers, strings with accents,
 * timestamps, booleans, arrays, explicit nulls and missing properties.
 */
export function syntheticCorpus(): Corpus {
  const random = seededRandom(20240501);
  const int = (n: number) => Math.floor(random() * n);
  const pick = <T>(list: readonly T[]): T => list[int(list.length)];
  const round2 = (v: number) => Math.round(v * 100) / 100;
  const t2020 = Date.UTC(2020, 0, 1);
  const t2024 = Date.UTC(2024, 0, 1);
  const items: StacItem[] = [];
  for (let i = 0; i < SYNTHETIC_COUNT; i++) {
    let w: number, s: number, width: number, height: number;
    if (i % 20 === 5) {
      // On the east side of the antimeridian, at 55–70°N.
      width = coordinate(int(8) + 2) - 0.1;
      w = coordinate(716 - int(8) - width * 4);
      s = coordinate(220 + int(40));
      height = coordinate(int(8) + 2) - 0.1;
    } else if (i % 20 === 15) {
      // On the west side (longitudes near -180).
      w = coordinate(-720 + int(8));
      width = coordinate(int(8) + 2) - 0.1;
      s = coordinate(220 + int(40));
      height = coordinate(int(8) + 2) - 0.1;
    } else if (i % 5 < 3) {
      // The European cluster: 0–30°E, 40–60°N, 1–6° wide.
      w = coordinate(int(100));
      s = coordinate(160 + int(60));
      width = coordinate(int(20) + 4) - 0.1;
      height = coordinate(int(20) + 4) - 0.1;
    } else {
      w = coordinate(-680 + int(1300));
      s = coordinate(-300 + int(540));
      width = coordinate(int(40) + 2) - 0.1;
      height = coordinate(int(40) + 2) - 0.1;
    }
    const e = Math.round((w + width) * 1000) / 1000;
    const n = Math.round((s + height) * 1000) / 1000;
    let geometry: Geometry | null;
    let shape: string;
    if (i % 50 === 17) {
      geometry = null;
      shape = 'none';
    } else if (i % 30 === 11) {
      geometry = { type: 'Point', coordinates: [w, s] };
      shape = 'point';
    } else if (i % 25 === 8 && e + 5 < 179) {
      geometry = { type: 'MultiPolygon', coordinates: [rectangle(w, s, e, n), rectangle(e + 2, s, e + 4, n - 0.5)] };
      shape = 'multi';
    } else {
      geometry = { type: 'Polygon', coordinates: rectangle(w, s, e, n) };
      shape = 'box';
    }

    const t = t2020 + Math.floor((random() * (t2024 - t2020)) / 1000) * 1000;
    const time: Record<string, string | null> = {};
    if (i % 10 === 3) {
      time.datetime = null;
      time.start_datetime = iso(t);
      time.end_datetime = iso(t + (1 + int(60)) * 86_400_000 + int(86_400) * 1000);
    } else if (i % 15 === 7) {
      time.datetime = iso(t);
      time.start_datetime = iso(t - (1 + int(10)) * 86_400_000);
      time.end_datetime = iso(t + (1 + int(10)) * 86_400_000);
    } else {
      time.datetime = iso(t);
    }

    const city = pick(CITIES);
    const tagCount = 1 + int(3);
    const tags = [...new Set(Array.from({ length: tagCount }, () => pick(TAGS)))].sort();
    const keywordCount = int(3);
    const keywords = [...new Set(Array.from({ length: keywordCount }, () => pick(KEYWORDS)))].sort();
    const subjectA = pick(SUBJECTS);
    const subjectB = pick(SUBJECTS);
    const properties: Record<string, unknown> = {
      ...time,
      title: `${subjectA[0].toUpperCase()}${subjectA.slice(1)} and ${subjectB} survey`,
      description: `Acquired near ${city} during the ${pick(SEASONS)} campaign.`,
      platform: pick(PLATFORMS),
      city,
      shape,
      count: int(1000),
      threshold: round2(random() * 100),
      flagged: random() < 0.3,
      created: new Date(Date.UTC(2019, 0, 1) + Math.floor(random() * 5 * 365 * 86_400_000)).toISOString(),
    };
    if (i % 9 !== 0) properties['eo:cloud_cover'] = round2(random() * 100);
    if (i % 11 !== 0) properties.score = round2(random() * 100);
    if (i % 4 === 0) properties.note = null;
    else if (i % 4 !== 1) properties.note = `checked by ${pick(['ana', 'ben', 'chloé'])}`;
    if (i % 7 !== 0) properties.tags = tags;
    if (keywords.length > 0) properties.keywords = keywords;

    const bbox = geometry === null ? undefined : geometry.type === 'MultiPolygon' ? [w, s, e + 4, n] : geometry.type === 'Point' ? [w, s, w, s] : [w, s, e, n];
    const item: StacItem = {
      type: 'Feature',
      stac_version: '1.0.0',
      id: `syn-${String(i).padStart(3, '0')}`,
      collection: i % 3 === 2 ? 'syn-b' : 'syn-a',
      geometry,
      ...(bbox ? { bbox } : {}),
      properties,
      links: [],
      assets: { data: { href: `https://example.com/syn/${i}.tif`, type: 'image/tiff; application=geotiff', roles: ['data'] } },
    };
    items.push(item);
  }
  // The same id in both collections: items are identified by (collection, id).
  for (const collection of SYNTHETIC_COLLECTIONS) {
    items.push({
      type: 'Feature',
      stac_version: '1.0.0',
      id: 'shared-id',
      collection,
      geometry: { type: 'Polygon', coordinates: rectangle(10.1, 45.1, 11.1, 46.1) },
      bbox: [10.1, 45.1, 11.1, 46.1],
      properties: {
        datetime: '2021-07-01T12:00:00Z', title: `Shared id in ${collection}`, platform: 'landsat-8', city: 'Paris', shape: 'box',
        count: collection === 'syn-a' ? 1 : 2, threshold: 50, flagged: false, created: '2021-07-02T00:00:00.000Z', tags: ['water'],
      },
      links: [],
      assets: {},
    });
  }
  const collections = SYNTHETIC_COLLECTIONS.map((id) => minimalCollection(id, [-180, -90, 180, 90], ['2020-01-01T00:00:00Z', '2024-01-01T00:00:00Z'], {
    title: `Synthetic ${id.slice(-1).toUpperCase()}`,
    keywords: ['synthetic'],
    license: 'CC-BY-4.0',
  }));
  return { collections, items };
}

/**
 * Collections with no items, for collection search: boxes (one across the
 * antimeridian), temporal extents open at either end, titles and keywords.
 */
export function regionCollections(): StacCollection[] {
  const specs: [string, number[], (string | null)[], string, string[], string][] = [
    ['region-alps', [5.5, 43.5, 16.5, 48.5], ['2018-01-01T00:00:00Z', '2022-12-31T00:00:00Z'], 'Alpine glacier monitoring', ['glacier', 'snow'], 'CC-BY-4.0'],
    ['region-andes', [-80.5, -55.5, -64.5, -10.5], ['2015-06-01T00:00:00Z', null], 'Andes glacier inventory', ['glacier'], 'CC0-1.0'],
    ['region-fiji', [176.5, -21.5, -178.5, -12.5], ['2019-01-01T00:00:00Z', '2019-12-31T00:00:00Z'], 'Fiji reef mapping', ['coral', 'ocean'], 'proprietary'],
    ['region-sahara', [-17.5, 15.5, 35.5, 33.5], [null, '2010-01-01T00:00:00Z'], 'Sahara dune archive', ['desert'], 'CC0-1.0'],
    ['region-amazon', [-74.5, -15.5, -44.5, 5.5], ['2020-01-01T00:00:00Z', '2020-12-31T00:00:00Z'], 'Amazon deforestation alerts', ['forest', 'wildfire'], 'CC-BY-4.0'],
    ['region-siberia', [60.5, 50.5, 179.5, 77.5], ['2021-03-01T00:00:00Z', '2023-09-30T00:00:00Z'], 'Siberian permafrost thaw', ['permafrost', 'snow'], 'proprietary'],
    ['region-zurich', [8.4, 47.3, 8.7, 47.5], ['2023-01-01T00:00:00Z', '2023-06-30T00:00:00Z'], 'Zürich urban heat', ['urban', 'heat'], 'CC-BY-4.0'],
    ['region-saopaulo', [-46.9, -23.8, -46.3, -23.3], ['2022-01-01T00:00:00Z', null], 'São Paulo flood risk', ['flood', 'urban'], 'CC0-1.0'],
    ['region-alaska', [-168.5, 54.5, -130.5, 71.5], ['2016-01-01T00:00:00Z', '2017-12-31T00:00:00Z'], 'Alaska wildfire scars', ['wildfire'], 'proprietary'],
    ['region-nile', [29.5, 22.5, 33.5, 31.5], ['2000-01-01T00:00:00Z', '2005-01-01T00:00:00Z'], 'Nile river delta', ['river', 'delta'], 'CC-BY-4.0'],
    ['region-global', [-180, -90, 180, 90], [null, null], 'Global mosaic', ['mosaic'], 'CC0-1.0'],
    ['region-untitled', [100.5, -10.5, 140.5, 10.5], ['2012-01-01T00:00:00Z', '2013-01-01T00:00:00Z'], '', [], 'CC-BY-4.0'],
  ];
  return specs.map(([id, bbox, interval, title, keywords, license]) => minimalCollection(id, bbox, interval, {
    ...(title ? { title } : {}),
    ...(keywords.length ? { keywords } : {}),
    description: title ? `${title}: a collection of scenes for the cooperative.` : 'A collection without a title.',
    license,
  }));
}

/** Everything the read-only contract cases search over. */
export function fullCorpus(): Corpus {
  const real = realCorpus();
  const synthetic = syntheticCorpus();
  return {
    collections: [...real.collections, ...synthetic.collections, ...regionCollections()],
    items: [...real.items, ...synthetic.items],
  };
}
