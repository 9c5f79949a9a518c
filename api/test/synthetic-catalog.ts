// A deterministic synthetic catalog for client tests: rectangular footprints on
// a 0.25° grid, datetimes (some items with a range, some with only a range),
// eo:cloud_cover, platform and an array property. The same documents are loaded
// into the API and handed to the checker, which evaluates searches over them itself.
import type { StacCollection, StacItem } from '@meridian/core/stac/stac-types';
import { seededRandom } from '@meridian/core/testing/seeded-random';

const EO = 'https://stac-extensions.github.io/eo/v1.1.0/schema.json';

/** Collections holding the search data, and an empty one for the transaction checks. */
export const SEARCH_COLLECTIONS = ['synthetic-a', 'synthetic-b'];
export const TRANSACTION_COLLECTION = 'synthetic-transactions';
const ITEMS_PER_COLLECTION = 60;

const PLATFORMS = ['sentinel-2a', 'sentinel-2b', 'landsat-8', 'landsat-9'];
const INSTRUMENTS: Record<string, string[]> = {
  'sentinel-2a': ['msi'],
  'sentinel-2b': ['msi'],
  'landsat-8': ['oli', 'tirs'],
  'landsat-9': ['oli'],
};
const DAY = 86_400_000;
const EPOCH = Date.UTC(2020, 0, 1);

const quarter = (x: number) => Math.round(x * 4) / 4;
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

function rectangle([w, s, e, n]: number[]) {
  return { type: 'Polygon' as const, coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]] };
}

function item(collection: string, index: number, next: () => number): StacItem {
  const id = `${collection.slice(-1)}-${String(index).padStart(3, '0')}`;
  // Footprints between -20..40 E and -10..40 N, 0.5° to 4° wide.
  let box = [quarter(-20 + next() * 56), quarter(-10 + next() * 46)];
  box = [box[0], box[1], box[0] + quarter(0.5 + next() * 3.5), box[1] + quarter(0.5 + next() * 3.5)];
  const platform = PLATFORMS[Math.floor(next() * PLATFORMS.length)];
  const instant = EPOCH + Math.floor(next() * 4 * 365 * DAY / 1000) * 1000;
  const cloud = Math.floor(next() * 101);
  const kind = next();
  const properties: StacItem['properties'] = { datetime: iso(instant) };
  if (kind < 0.15) {
    // An acquisition with a duration: datetime and a range around it.
    Object.assign(properties, { start_datetime: iso(instant - 3 * DAY), end_datetime: iso(instant + 3 * DAY) });
  } else if (kind < 0.3 && collection !== SEARCH_COLLECTIONS[0]) {
    // Only a range (a composite): datetime is null. Kept out of the first
    // collection, whose items stac-api-validator sorts by datetime.
    Object.assign(properties, { datetime: null, start_datetime: iso(instant), end_datetime: iso(instant + 20 * DAY) });
  }
  Object.assign(properties, {
    title: `Synthetic scene ${id}`,
    platform,
    instruments: INSTRUMENTS[platform],
    constellation: platform.replace(/-[^-]*$/, ''),
    'eo:cloud_cover': cloud,
    gsd: platform.startsWith('sentinel') ? 10 : 30,
  });
  return {
    type: 'Feature',
    stac_version: '1.0.0',
    stac_extensions: [EO],
    id,
    collection,
    geometry: rectangle(box),
    bbox: box,
    properties,
    links: [],
    assets: {
      data: { href: `https://data.meridian.example/synthetic/${id}.tif`, type: 'image/tiff; application=geotiff', title: 'Reflectance', roles: ['data'] },
      thumbnail: { href: `https://data.meridian.example/synthetic/${id}.png`, type: 'image/png', title: 'Preview', roles: ['thumbnail'] },
    },
  };
}

/** Fixed items the validators look for. */
function pinned(items: StacItem[]): void {
  // stac-api-validator's ids check looks for an item inside bbox 20,20,21,21 of its --collection.
  const first = items[0];
  first.geometry = rectangle([20.25, 20.25, 20.75, 20.75]);
  first.bbox = [20.25, 20.25, 20.75, 20.75];
  // Its query checks compare eo:cloud_cover with 10 and expect some equal.
  first.properties['eo:cloud_cover'] = 10;
}

function collection(id: string, items: StacItem[]): StacCollection {
  const boxes = items.map((i) => i.bbox as number[]);
  const times = items.flatMap((i) => [i.properties.datetime, i.properties.start_datetime, i.properties.end_datetime])
    .filter((t): t is string => typeof t === 'string').sort();
  return {
    type: 'Collection',
    stac_version: '1.0.0',
    stac_extensions: [],
    id,
    title: `Synthetic ${id.slice(-1).toUpperCase()}`,
    description: `Synthetic scenes for client tests (${id}).`,
    keywords: ['synthetic', 'test'],
    license: 'CC0-1.0',
    providers: [{ name: 'Meridian tests', roles: ['producer', 'host'] }],
    extent: {
      spatial: {
        bbox: boxes.length === 0 ? [[-180, -90, 180, 90]] : [[
          Math.min(...boxes.map((b) => b[0])), Math.min(...boxes.map((b) => b[1])),
          Math.max(...boxes.map((b) => b[2])), Math.max(...boxes.map((b) => b[3])),
        ]],
      },
      temporal: { interval: [[times[0] ?? '2020-01-01T00:00:00Z', times.at(-1) ?? null]] },
    },
    summaries: { platform: PLATFORMS },
    links: [],
  };
}

export interface SyntheticCatalog {
  collections: StacCollection[];
  /** Items by collection id, in load order. */
  items: Record<string, StacItem[]>;
}

export function syntheticCatalog(seed = 20240501): SyntheticCatalog {
  const next = seededRandom(seed);
  const items: Record<string, StacItem[]> = {};
  for (const id of SEARCH_COLLECTIONS) {
    items[id] = Array.from({ length: ITEMS_PER_COLLECTION }, (_, i) => item(id, i, next));
  }
  pinned(items[SEARCH_COLLECTIONS[0]]);
  items[TRANSACTION_COLLECTION] = [];
  return {
    collections: [...SEARCH_COLLECTIONS, TRANSACTION_COLLECTION].map((id) => collection(id, items[id])),
    items,
  };
}

/** Loads the catalog through the transaction API: a POST per collection, an ItemCollection per item set. */
export async function loadThroughApi(stac: string, adminToken: string, catalog: SyntheticCatalog): Promise<void> {
  const headers = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${stac}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
    if (response.status !== 201) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
  };
  for (const c of catalog.collections) {
    await post('/collections', c);
    const features = catalog.items[c.id];
    if (features.length > 0) await post(`/collections/${encodeURIComponent(c.id)}/items`, { type: 'FeatureCollection', features });
  }
}
