// The search benchmarks' query mix (bench/search/run.ts on the embedded catalog,
// bench/search/opensearch.ts on OpenSearch): five kinds of search, each drawing
// its GET-style parameters from a seeded PRNG, so that every benchmark times the same searches.
import { between, COLLECTIONS, pick, pickRegion, REGIONS, type Random } from './synthetic-items.ts';

export type Params = Record<string, string>;

export interface QueryKind {
  name: string;
  describe: string;
  params: (random: Random) => Params;
}

const T_START = Date.UTC(2015, 6, 1);
const T_END = Date.UTC(2025, 11, 31);
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const r3 = (n: number) => Number(n.toFixed(3));

function pointIn(random: Random): [number, number] {
  const region = pickRegion(random);
  return [between(random, region.west, region.east), between(random, region.south, region.north)];
}

/** The last kind, deep pagination, follows `next` to page `depth`. */
export function queryMix(depth: number): QueryKind[] {
  return [
    {
      name: 'bbox + datetime',
      describe: 'bbox of 1–4° × 1–3° over a land area, datetime window of 1–3 months',
      params(random) {
        const [lon, lat] = pointIn(random);
        const w = between(random, 1, 4) / 2;
        const h = between(random, 1, 3) / 2;
        const bbox = [Math.max(-180, lon - w), Math.max(-90, lat - h), Math.min(180, lon + w), Math.min(90, lat + h)].map(r3);
        const start = between(random, T_START, T_END - 90 * DAY);
        const end = start + between(random, 30, 92) * DAY;
        return { bbox: bbox.join(','), datetime: `${iso(Math.floor(start))}/${iso(Math.floor(end))}` };
      },
    },
    {
      name: 'intersects polygon',
      describe: 'an irregular 7-vertex polygon ~1–2.5° across over a land area, all dates',
      params(random) {
        const [lon, lat] = pointIn(random);
        const radius = between(random, 0.5, 1.25);
        const vertices = 7;
        const ring: number[][] = [];
        for (let i = 0; i < vertices; i++) {
          const angle = (2 * Math.PI * i) / vertices + between(random, -0.3, 0.3);
          const r = radius * between(random, 0.6, 1);
          ring.push([r3(Math.max(-180, Math.min(180, lon + r * Math.cos(angle)))), r3(Math.max(-89, Math.min(89, lat + r * Math.sin(angle))))]);
        }
        ring.push(ring[0]);
        return { intersects: JSON.stringify({ type: 'Polygon', coordinates: [ring] }) };
      },
    },
    {
      name: 'CQL2 property filter',
      describe: "one collection, `eo:cloud_cover < 5–30 AND platform = '…'` (cql2-text)",
      params(random) {
        const collection = pick(random, COLLECTIONS);
        const platform = collection.family === 'sentinel-2' ? pick(random, ['sentinel-2a', 'sentinel-2b']) : pick(random, ['landsat-8', 'landsat-9']);
        const cloud = Math.round(between(random, 5, 30));
        return { collections: collection.id, filter: `eo:cloud_cover < ${cloud} AND platform = '${platform}'`, 'filter-lang': 'cql2-text' };
      },
    },
    {
      name: 'free text',
      describe: 'q: a place name phrase, alone or AND-ed with a platform or "mostly clear"',
      params(random) {
        const place = `"${pick(random, REGIONS).name}"`;
        const u = random();
        const q = u < 0.5 ? place : u < 0.75 ? `${place} AND ${pick(random, ['sentinel-2a', 'sentinel-2b', 'landsat-8', 'landsat-9'])}` : `${place} AND "mostly clear"`;
        return { q };
      },
    },
    {
      name: `deep pagination (page ${depth})`,
      describe: `one of the 4 largest collections, datetime=../(2019–2025), following \`next\` to page ${depth}; the page-${depth} request is timed`,
      params(random) {
        const collection = pick(random, [...COLLECTIONS].sort((a, b) => b.weight - a.weight).slice(0, 4));
        const end = between(random, Date.UTC(2019, 0, 1), T_END);
        return { collections: collection.id, datetime: `../${iso(Math.floor(end))}` };
      },
    },
  ];
}
