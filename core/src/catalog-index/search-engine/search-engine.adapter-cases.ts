// What the search-engine catalog index promises beyond the CatalogIndex contract,
// run against every engine it supports (core/test/*.catalog-index.test.ts):
// zero-downtime reindexing through aliases, per-item errors from the engine in a
// bulk write, the spatial relations geo_shape cannot state, routing over several
// shards, a bounded numberMatched, the `wait_for` refresh policy, and the
// per-collection index layout.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Geometry } from 'geojson';
import { relate, toJsts } from '../../geo/spatial-relations.ts';
import { parseItemSearch } from '../../stac/search/search-request.ts';
import type { StacItem } from '../../stac/stac-types.ts';
import { syntheticCorpus } from '../contract/corpus.ts';
import type { SearchEngineCatalogIndex, SearchEngineCatalogOptions } from './search-engine.catalog-index.ts';

type Open = (options?: Partial<Omit<SearchEngineCatalogOptions, 'client'>>) => Promise<SearchEngineCatalogIndex>;

const search = (params: Record<string, unknown>) => parseItemSearch({ limit: 1000, ...params }, 'POST', { defaultLimit: 10, maxLimit: 10_000 }).search;

async function withCatalog(open: Open, options: Partial<Omit<SearchEngineCatalogOptions, 'client'>>, run: (index: SearchEngineCatalogIndex) => Promise<void>): Promise<void> {
  const index = await open(options);
  try {
    await run(index);
  } finally {
    await index.close();
  }
}

async function loadSynthetic(index: SearchEngineCatalogIndex): Promise<{ items: StacItem[] }> {
  const { collections, items } = syntheticCorpus();
  assert.deepEqual(await index.upsertCollections(collections), { written: collections.length, errors: [] });
  assert.deepEqual(await index.upsertItems(items), { written: items.length, errors: [] });
  return { items };
}

export function searchEngineAdapterCases(name: string, open: Open): void {
  describe(`search-engine catalog index: ${name}`, () => {
    test('reindex moves every index to a new generation behind its alias while searches and writes go on', async () => {
      await withCatalog(open, {}, async (index) => {
        const { items } = await loadSynthetic(index);
        const before = await index.indices();
        assert.ok(before.every((physical) => physical.endsWith('_v1')), `first generation: ${before.join(', ')}`);
        const everything = search({});
        const inEurope = search({ bbox: [0, 40, 30, 60], filter: 'count < 900', 'filter-lang': 'cql2-text' });
        const expectedEurope = (await index.searchItems(inEurope)).numberMatched;
        assert.ok(expectedEurope > 0);

        // Readers keep asking while the reindex runs; a writer adds items meanwhile.
        let reindexing = true;
        const answers: number[] = [];
        const reader = (async () => {
          while (reindexing) {
            const [all, europe, one, collection] = await Promise.all([
              index.searchItems(everything), index.searchItems(inEurope),
              index.getItem({ collection: items[7].collection as string, id: items[7].id }), index.getCollection('syn-a'),
            ]);
            assert.ok(all.numberMatched >= items.length, `every item stays searchable (${all.numberMatched})`);
            assert.equal(europe.numberMatched, expectedEurope, 'a filtered search keeps its answer');
            assert.deepEqual(one, items[7]);
            assert.equal(collection?.id, 'syn-a');
            answers.push(all.numberMatched);
          }
        })();
        // Outside the filtered search (count < 900), whose answer must not move.
        const added = Array.from({ length: 20 }, (_, n): StacItem => ({ ...items[n], id: `during-reindex-${n}`, properties: { ...items[n].properties, count: 950 } }));
        const writer = (async () => {
          for (const item of added) assert.equal((await index.upsertItems([item])).written, 1);
        })();
        const [created] = await Promise.all([index.reindex().finally(() => { reindexing = false; }), reader, writer]);

        assert.ok(answers.length > 0, 'searches ran during the reindex');
        assert.deepEqual(created.sort(), before.map((physical) => physical.replace(/_v1$/, '_v2')).sort());
        assert.deepEqual((await index.indices()).sort(), created.sort(), 'the old generation is gone');
        assert.equal((await index.searchItems(everything)).numberMatched, items.length + added.length, 'nothing lost, nothing doubled');
        for (const item of added) assert.deepEqual(await index.getItem({ collection: item.collection as string, id: item.id }), item, `${item.id} written during the reindex`);
        assert.equal((await index.searchItems(inEurope)).numberMatched, expectedEurope);
        const extra = { ...items[0], id: 'after-reindex' };
        assert.equal((await index.upsertItems([extra])).written, 1, 'writes go to the new generation');
        assert.deepEqual(await index.getItem({ collection: extra.collection as string, id: extra.id }), extra);
      });
    });

    test('a bulk write reports each document the engine refuses, with its position, and writes the rest', async () => {
      await withCatalog(open, {}, async (index) => {
        const { items } = await loadSynthetic(index);
        const base = items.find((i) => i.geometry?.type === 'Polygon') as StacItem;
        // Valid GeoJSON to our checks, refused by the engine's geo_shape parser.
        const bowTie: StacItem = { ...base, id: 'bow-tie', bbox: undefined, geometry: { type: 'Polygon', coordinates: [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]] } };
        const strayHole: StacItem = {
          ...base, id: 'stray-hole', bbox: undefined,
          geometry: { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]], [[5, 5], [6, 5], [6, 6], [5, 6], [5, 5]]] },
        };
        const ok = (id: string): StacItem => ({ ...base, id });
        const result = await index.upsertItems([ok('fine-1'), bowTie, ok('fine-2'), strayHole, { ...base, id: 'no-time', properties: {} }]);
        assert.equal(result.written, 2);
        assert.deepEqual(result.errors.map((e) => [e.index, e.id, e.collection]), [[1, 'bow-tie', base.collection], [3, 'stray-hole', base.collection], [4, 'no-time', base.collection]]);
        assert.match(result.errors[0].message, /geo_shape|shape/i, 'the engine says why');
        assert.match(result.errors[1].message, /hole/i);
        for (const id of ['bow-tie', 'stray-hole']) assert.equal(await index.getItem({ collection: base.collection as string, id }), undefined, `${id} was not written`);
        for (const id of ['fine-1', 'fine-2']) assert.ok(await index.getItem({ collection: base.collection as string, id }), `${id} was written`);
      });
    });

    test('over several shards, items routed by collection are found, paged both ways, fetched and deleted', async () => {
      await withCatalog(open, { shards: 3 }, async (index) => {
        const { items } = await loadSynthetic(index);
        for (const collection of ['syn-a', 'syn-b']) {
          const expected = items.filter((i) => i.collection === collection).map((i) => i.id).sort();
          const forward: string[][] = [];
          let page = await index.searchItems(search({ collections: [collection], limit: 13, sortby: 'city' }));
          assert.equal(page.numberMatched, expected.length);
          forward.push(page.features.map((f) => f.id));
          while (page.next) {
            page = await index.searchItems(search({ collections: [collection], limit: 13, sortby: 'city', token: page.next }));
            forward.push(page.features.map((f) => f.id));
          }
          assert.deepEqual(forward.flat().sort(), expected, `${collection}: every item once`);
          const backward: string[][] = [page.features.map((f) => f.id)];
          while (page.prev) {
            page = await index.searchItems(search({ collections: [collection], limit: 13, sortby: 'city', token: page.prev }));
            backward.push(page.features.map((f) => f.id));
          }
          assert.deepEqual(backward.reverse(), forward, `${collection}: the same pages backwards`);
        }
        // A collection id with a comma cannot be a search's routing (a comma-separated list):
        // as routings, "c" and "d" lead to other shards than "c,d" on three shards.
        const comma = { ...syntheticCorpus().collections[0], id: 'c,d' };
        assert.equal((await index.upsertCollections([comma])).written, 1);
        assert.equal((await index.upsertItems(items.slice(0, 5).map((i) => ({ ...i, collection: 'c,d' })))).written, 5);
        assert.equal((await index.searchItems(search({ collections: ['c,d'] }))).numberMatched, 5);
        const victim = items.find((i) => i.collection === 'syn-b') as StacItem;
        assert.deepEqual(await index.getItem({ collection: 'syn-b', id: victim.id }), victim);
        assert.deepEqual(await index.deleteItems([{ collection: 'syn-b', id: victim.id }]), { written: 1, errors: [] });
        assert.equal(await index.getItem({ collection: 'syn-b', id: victim.id }), undefined);
        assert.equal((await index.searchItems(search({}))).numberMatched, items.length - 1 + 5);
      });
    });

    test('S_TOUCHES, S_OVERLAPS and S_CROSSES, which geo_shape cannot state, are decided exactly', async () => {
      await withCatalog(open, {}, async (index) => {
        const box = (w: number, s: number, e: number, n: number): Geometry => ({ type: 'Polygon', coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]] });
        const shapes: Record<string, Geometry> = {
          touching: box(0, 0, 1, 1),
          overlapping: box(1.5, 0.5, 2.5, 1.5),
          crossing: { type: 'LineString', coordinates: [[0.5, 0.5], [1.5, 0.5]] },
          inside: box(1.2, 0.2, 1.4, 0.4),
          apart: box(5, 5, 6, 6),
        };
        const { collections } = syntheticCorpus();
        await index.upsertCollections(collections);
        const written = Object.entries(shapes).map(([id, geometry]): StacItem => ({
          type: 'Feature', stac_version: '1.0.0', id, collection: 'syn-a', geometry, properties: { datetime: '2021-01-01T00:00:00Z' }, links: [], assets: {},
        }));
        assert.equal((await index.upsertItems(written)).written, written.length);
        const literal: Geometry = box(1, 0, 2, 1);
        const wkt = 'POLYGON((1 0, 2 0, 2 1, 1 1, 1 0))';
        for (const op of ['s_touches', 's_overlaps', 's_crosses'] as const) {
          const expected = Object.keys(shapes).filter((id) => relate(op, toJsts(shapes[id]), toJsts(literal)));
          assert.equal(expected.length, 1, `${op}: one shape of the set`);
          const found = await index.searchItems(search({ filter: `${op.toUpperCase()}(geometry, ${wkt})`, 'filter-lang': 'cql2-text' }));
          assert.deepEqual(found.features.map((f) => f.id), expected, op);
          const negated = await index.searchItems(search({ filter: `NOT ${op.toUpperCase()}(geometry, ${wkt})`, 'filter-lang': 'cql2-text' }));
          assert.deepEqual(negated.features.map((f) => f.id).sort(), Object.keys(shapes).filter((id) => !expected.includes(id)).sort(), `NOT ${op}`);
          const [count] = await index.aggregate({ filter: { op, args: [{ property: 'geometry' }, literal] } }, [{ name: 'total_count' }]);
          assert.deepEqual(count, { name: 'total_count', data_type: 'integer', value: 1 });
        }
      });
    });

    test('numberMatched is exact by default and bounded by countLimit, and paging still reaches every match', async () => {
      await withCatalog(open, { countLimit: 25 }, async (index) => {
        const { items } = await loadSynthetic(index);
        const synA = items.filter((i) => i.collection === 'syn-a');
        const bounded = await index.searchItems(search({ collections: ['syn-a'], limit: 100 }));
        assert.equal(bounded.numberMatched, 25, 'counted up to the limit');
        const few = await index.searchItems(search({ ids: ['syn-000', 'syn-001', 'syn-003'] }));
        assert.equal(few.numberMatched, 3, 'exact below the limit');
        const seen: string[] = [];
        for (let token: string | undefined, pages = 0; pages === 0 || token; pages++) {
          const page = await index.searchItems(search({ collections: ['syn-a'], limit: 50, ...(token ? { token } : {}) }));
          seen.push(...page.features.map((f) => f.id));
          token = page.next;
        }
        assert.deepEqual(seen.sort(), synA.map((i) => i.id).sort());
      });
    });

    test("refresh 'wait_for': a write is searchable when it returns", async () => {
      await withCatalog(open, { refresh: 'wait_for' }, async (index) => {
        const { collections, items } = syntheticCorpus();
        await index.upsertCollections(collections);
        assert.equal((await index.upsertItems(items.slice(0, 3))).written, 3);
        assert.equal((await index.searchItems(search({}))).numberMatched, 3);
        assert.equal((await index.deleteItems([{ collection: items[0].collection as string, id: items[0].id }])).written, 1);
        assert.equal((await index.searchItems(search({}))).numberMatched, 2);
      });
    });

    test('an index per collection: searches across and within collections, deletes and reindexes', async () => {
      await withCatalog(open, { layout: 'per-collection' }, async (index) => {
        assert.equal(index.layout, 'per-collection');
        assert.equal((await index.searchItems(search({}))).numberMatched, 0, 'no collection yet, no index yet');
        const { items } = await loadSynthetic(index);
        const count = (collection: string) => items.filter((i) => i.collection === collection).length;
        assert.equal((await index.indices()).length, 3, 'collections, syn-a, syn-b');
        assert.equal((await index.searchItems(search({}))).numberMatched, items.length);
        assert.equal((await index.searchItems(search({ collections: ['syn-b'] }))).numberMatched, count('syn-b'));
        assert.equal((await index.searchItems(search({ collections: ['syn-b', 'no-such-collection'] }))).numberMatched, count('syn-b'));
        assert.deepEqual(await index.getItem({ collection: 'syn-b', id: items.find((i) => i.collection === 'syn-b')?.id as string }), items.find((i) => i.collection === 'syn-b'));
        assert.equal(await index.getItem({ collection: 'no-such-collection', id: 'x' }), undefined);
        const [total] = await index.aggregate({}, [{ name: 'total_count' }]);
        assert.deepEqual(total, { name: 'total_count', data_type: 'integer', value: items.length });
        assert.ok('city' in (await index.queryables('syn-a')).properties);
        await index.reindex();
        assert.ok((await index.indices()).every((physical) => physical.endsWith('_v2')));
        assert.equal((await index.searchItems(search({}))).numberMatched, items.length, 'the shared alias follows the reindex');
        assert.equal(await index.deleteCollection('syn-a'), true);
        assert.equal((await index.indices()).length, 2, "the collection's index is gone");
        assert.equal((await index.searchItems(search({}))).numberMatched, count('syn-b'));
      });
    });
  });
}
