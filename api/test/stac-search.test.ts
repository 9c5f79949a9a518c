// The STAC API over HTTP, part 2: item search (/search GET and POST), every
// parameter, paging, limits, bad input and a seeded fuzz loop.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  assertError, assertOk, bboxPolygon, Client, datetimeRange, fixtures, geometriesIntersect, GEOJSON, ids, JOPLIN, JSON_TYPE, L1C, link, loadFixtures,
  maybeLink, S2, SIMPLE, sorted, walk, type Json, type Reply,
  startLoadedServer,
} from './stac-helpers.ts';
import { startTestServer, type TestServer } from './test-server.ts';
import { seededRandom } from '@meridian/core/testing/seeded-random';
import { parseItemSearch } from '@meridian/core/stac/search/search-request';

const data = fixtures();
const ALL_IDS = sorted(data.all.map((i) => i.id));
let server: TestServer;
let client: Client;

before(async () => ({ server, client } = await startLoadedServer(data)));
after(() => server?.close());

const idsWhere = (predicate: (item: Json) => boolean) => sorted(data.all.filter(predicate).map((i) => i.id));
const prop = (item: Json, name: string) => item.properties[name];

/** Runs the same search as GET (parameters as strings) and as POST (a JSON body); both must give `expected`. */
async function both(get: Record<string, string | number>, post: Record<string, unknown>, expected: string[], message?: string): Promise<void> {
  assert.ok(expected.length <= 100, 'expected fits in one page');
  const viaGet = await client.query('/search', { limit: 100, ...get });
  assertOk(viaGet);
  assert.deepEqual(sorted(ids(viaGet)), expected, `GET ${JSON.stringify(get)} ${message ?? ''}`);
  assert.equal(viaGet.body.numberMatched, expected.length);
  const viaPost = await client.post('/search', { limit: 100, ...post });
  assertOk(viaPost);
  assert.deepEqual(sorted(ids(viaPost)), expected, `POST ${JSON.stringify(post)} ${message ?? ''}`);
  assert.equal(viaPost.body.numberMatched, expected.length);
}

/** GET and POST both answer 400 with a description matching `pattern`. */
async function bothRejected(get: Record<string, string | number> | undefined, post: Record<string, unknown> | undefined, pattern: RegExp): Promise<void> {
  if (get) assertError(await client.query('/search', get), 400, pattern);
  if (post) assertError(await client.post('/search', post), 400, pattern);
}

describe('search basics', () => {
  test('GET and POST /search: a FeatureCollection of geo+json with self and root links', async () => {
    const get = await client.get('/search');
    assertOk(get, GEOJSON);
    assert.equal(get.body.type, 'FeatureCollection');
    assert.equal(get.body.numberMatched, data.all.length);
    assert.equal(get.body.numberReturned, 10);
    assert.equal(link(get.body, 'self').href, `${server.stac}/search`);
    assert.equal(link(get.body, 'root').href, `${server.stac}/`);
    const post = await client.post('/search', {});
    assertOk(post, GEOJSON);
    assert.deepEqual(ids(post), ids(get));
    // geo+json bodies are accepted too.
    const geo = await client.post('/search', { ids: [data.s2[0].id] }, { 'content-type': GEOJSON });
    assert.deepEqual(ids(geo), [data.s2[0].id]);
  });

  test('the default order is datetime descending', async () => {
    const reply = await client.query('/search', { limit: 100 });
    const starts = (reply.body.features as Json[]).map((f) => datetimeRange(f)[0]);
    for (let i = 1; i < starts.length; i++) assert.ok(starts[i - 1] >= starts[i], `item ${i} is not after item ${i - 1}`);
    assert.deepEqual(sorted(ids(reply)), ALL_IDS);
  });
});

describe('bbox', () => {
  const boxMatches = (box: number[]) => idsWhere((i) => geometriesIntersect(bboxPolygon(box), i.geometry));

  test('4 numbers', async () => {
    const all = [-107, 39, -104, 41];
    assert.deepEqual(boxMatches(all), sorted(data.s2.map((i) => i.id)));
    await both({ bbox: all.join(',') }, { bbox: all }, boxMatches(all));
    // A small box that only some Sentinel-2 footprints reach (their no-data parts are outside the footprint).
    const corner = [-106.1, 39.7, -105.9, 39.8];
    const expected = boxMatches(corner);
    assert.ok(expected.length > 0 && expected.length < data.s2.length, `a discriminating box (${expected.length})`);
    await both({ bbox: corner.join(',') }, { bbox: corner }, expected);
    const joplinCentre = data.joplin[4].bbox;
    const small = [(joplinCentre[0] + joplinCentre[2]) / 2 - 0.0005, (joplinCentre[1] + joplinCentre[3]) / 2 - 0.0005,
      (joplinCentre[0] + joplinCentre[2]) / 2 + 0.0005, (joplinCentre[1] + joplinCentre[3]) / 2 + 0.0005];
    await both({ bbox: small.join(',') }, { bbox: small }, boxMatches(small));
  });

  test('6 numbers (with elevation)', async () => {
    const box = [-106.1, 39.7, -100, -105.9, 39.8, 9000];
    await both({ bbox: box.join(',') }, { bbox: box }, boxMatches([-106.1, 39.7, -105.9, 39.8]));
  });

  test('west > east crosses the antimeridian', async () => {
    const am = data.antimeridian.id;
    await both({ bbox: '179,-17,-179,-15' }, { bbox: [179, -17, -179, -15] }, [am]);
    await both({ bbox: '170,-20,-170,5' }, { bbox: [170, -20, -170, 5] }, sorted([am, data.rangeOnly.id]));
    // Each half of the footprint alone, from normal boxes.
    await both({ bbox: '-179.9,-16.3,-179.8,-16' }, { bbox: [-179.9, -16.3, -179.8, -16] }, [am]);
    await both({ bbox: '179.3,-16.3,179.5,-16' }, { bbox: [179.3, -16.3, 179.5, -16] }, [am]);
    // The item's bbox is [179.26, -16.35, -179.70, -15.35]: it must not span the rest of the globe.
    await both({ bbox: '0,-17,10,-15' }, { bbox: [0, -17, 10, -15] }, []);
    await both({ bbox: '-100,-90,100,90' }, { bbox: [-100, -90, 100, 90] }, idsWhere((i) => i.collection === JOPLIN));
    // An antimeridian-crossing box that misses the footprint (north of it).
    await both({ bbox: '179,10,-179,20' }, { bbox: [179, 10, -179, 20] }, []);
  });

  test('malformed bbox → 400', async () => {
    for (const bad of ['1', '1,2', '1,2,3', '1,2,3,4,5', '1,2,3,4,5,6,7', 'a,b,c,d', '1,2,3,x', ',,,', '1,,2,3', 'NaN,0,1,1', 'Infinity,0,1,1', '1e999,0,1,1', '0x1,0,1,1']) {
      assertError(await client.query('/search', { bbox: bad }), 400, /bbox/);
    }
    assertError(await client.query('/search', { bbox: '0,10,1,5' }), 400, /south/);
    for (const bad of ['-181,0,0,1', '0,0,181,1', '0,-91,1,0', '0,0,1,91', '0,0,1,1000']) {
      assertError(await client.query('/search', { bbox: bad }), 400, /bbox (longitudes|latitudes)/);
    }
    assertError(await client.query('/search', { bbox: '0,0,10,1,1,5' }), 400, /elevation/);
    for (const bad of [[1, 2, 3], [1, 2, 3, 4, 5], [1, 2, 3, 4, 5, 6, 7], ['a', 'b', 'c', 'd'], ['1', '2', '3', '4'], [0, 10, 1, 5], [-181, 0, 0, 1], {}, null, true, 5]) {
      assertError(await client.post('/search', { bbox: bad }), 400, /bbox/);
    }
    assertError(await client.get('/search?bbox=1,2,3,4&bbox=1,2,3,4'), 400, /bbox.*more than once/);
  });
});

describe('intersects', () => {
  const j0 = data.joplin[0].bbox;
  const j5 = data.joplin[5].bbox;
  const joplinPoint = [(j0[0] + j0[2]) / 2, (j0[1] + j0[3]) / 2];
  const denverPoint = [-105.9, 39.75];
  const joplinLine = [[-94.8, (j5[1] + j5[3]) / 2], [-94.3, (j5[1] + j5[3]) / 2]];
  const denverLine = [[-106.3, 39.7], [-105.8, 39.72]];
  const denverBox = [-106.1, 39.7, -105.9, 39.8];
  const geometries: Record<string, Json> = {
    Point: { type: 'Point', coordinates: joplinPoint },
    MultiPoint: { type: 'MultiPoint', coordinates: [joplinPoint, denverPoint] },
    LineString: { type: 'LineString', coordinates: joplinLine },
    MultiLineString: { type: 'MultiLineString', coordinates: [joplinLine, denverLine] },
    Polygon: bboxPolygon(denverBox),
    MultiPolygon: { type: 'MultiPolygon', coordinates: [bboxPolygon([-94.69, 37.05, -94.68, 37.06]).coordinates, bboxPolygon([-179.9, -16.3, -179.8, -16]).coordinates] },
    GeometryCollection: { type: 'GeometryCollection', geometries: [{ type: 'Point', coordinates: joplinPoint }, bboxPolygon(denverBox)] },
  };

  for (const [type, geometry] of Object.entries(geometries)) {
    test(`${type}, GET as a JSON string and POST as an object`, async () => {
      const expected = idsWhere((i) => geometriesIntersect(geometry, i.geometry));
      assert.ok(expected.length > 0 && expected.length < 20, `a discriminating ${type} (${expected.length})`);
      await both({ intersects: JSON.stringify(geometry) }, { intersects: geometry }, expected);
    });
  }

  test('a polygon with a hole does not match what lies in the hole', async () => {
    const outer = bboxPolygon([-95, 36.9, -94.3, 37.3]).coordinates[0];
    const hole = [[-94.9, 37.0], [-94.9, 37.2], [-94.35, 37.2], [-94.35, 37.0], [-94.9, 37.0]];
    const donut = { type: 'Polygon', coordinates: [outer, hole] };
    const expected = idsWhere((i) => geometriesIntersect(donut, i.geometry));
    assert.deepEqual(expected, [], 'every Joplin tile lies in the hole');
    await both({ intersects: JSON.stringify(donut) }, { intersects: donut }, expected);
  });

  test('bbox and intersects together → 400', async () => {
    await bothRejected({ bbox: '0,0,1,1', intersects: JSON.stringify(geometries.Point) }, { bbox: [0, 0, 1, 1], intersects: geometries.Point }, /bbox and intersects/);
  });

  test('invalid intersects → 400', async () => {
    assertError(await client.query('/search', { intersects: '{"type": "Point", ' }), 400, /intersects must be JSON/);
    assertError(await client.query('/search', { intersects: 'POINT(0 0)' }), 400, /intersects/);
    const unclosed = { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 1]]] };
    await bothRejected({ intersects: JSON.stringify(unclosed) }, { intersects: unclosed }, /closed|at least 4/);
    const notClosed = { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0.5]]] };
    await bothRejected({ intersects: JSON.stringify(notClosed) }, { intersects: notClosed }, /not closed/);
    for (const bad of [
      { type: 'Point' },
      { type: 'Point', coordinates: [0] },
      { type: 'Point', coordinates: ['a', 'b'] },
      { type: 'Point', coordinates: [0, 91] },
      { type: 'Point', coordinates: [181, 0] },
      { type: 'Circle', coordinates: [0, 0], radius: 5 },
      { type: 'LineString', coordinates: [[0, 0]] },
      { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [0, 0]]] },
      { type: 'MultiPolygon', coordinates: [[[[0, 0], [1, 0], [1, 1]]]] },
      { type: 'GeometryCollection' },
      { type: 'Feature', geometry: { type: 'Point', coordinates: [0, 0] }, properties: {} },
      [0, 0],
      'Point',
      5,
    ]) {
      await bothRejected({ intersects: JSON.stringify(bad) }, { intersects: bad }, /intersects/);
    }
    let deep: Json = { type: 'Point', coordinates: [0, 0] };
    for (let i = 0; i < 12; i++) deep = { type: 'GeometryCollection', geometries: [deep] };
    await bothRejected(undefined, { intersects: deep }, /too deeply/);
  });

  test('a self-intersecting polygon is answered, never a 500', async () => {
    const bowtie = { type: 'Polygon', coordinates: [[[-95, 37], [-94, 37.2], [-94, 37], [-95, 37.2], [-95, 37]]] };
    for (const reply of [await client.query('/search', { intersects: JSON.stringify(bowtie) }), await client.post('/search', { intersects: bowtie })]) {
      assert.ok(reply.status === 200 || reply.status === 400, `${reply.status}: ${reply.text.slice(0, 300)}`);
      if (reply.status === 400) assertError(reply, 400, /intersects|geometry|polygon/i);
    }
  });
});

describe('datetime', () => {
  const overlapping = (start: number, end: number) => idsWhere((i) => {
    const [s, e] = datetimeRange(i);
    return s <= end && e >= start;
  });
  const check = (value: string, start: number, end: number) => both({ datetime: value }, { datetime: value }, overlapping(start, end), value);
  const ms = Date.parse;

  test('an instant', async () => {
    await check('2000-02-02T00:00:00Z', ms('2000-02-02T00:00:00Z'), ms('2000-02-02T00:00:00Z'));
    assert.equal(overlapping(ms('2000-02-02T00:00:00Z'), ms('2000-02-02T00:00:00Z')).length, 30);
    await check(data.s2[3].properties.datetime, ms(data.s2[3].properties.datetime), ms(data.s2[3].properties.datetime));
    await check('2000-02-02T01:00:00+01:00', ms('2000-02-02T00:00:00Z'), ms('2000-02-02T00:00:00Z'));
    await check('2000-02-02T00:00:00.1Z', ms('2000-02-02T00:00:00.1Z'), ms('2000-02-02T00:00:00.1Z'));
  });

  test('a closed interval', async () => {
    const [a, b] = ['2024-04-05T00:00:00Z', '2024-04-15T23:59:59Z'];
    const expected = overlapping(ms(a), ms(b));
    assert.ok(expected.length > 0 && expected.length < 10);
    await check(`${a}/${b}`, ms(a), ms(b));
    // Bounds are inclusive.
    const exact = data.s2[2].properties.datetime;
    await check(`${exact}/${exact}`, ms(exact), ms(exact));
    await check(`2024-04-01T00:00:00Z/${exact}`, ms('2024-04-01T00:00:00Z'), ms(exact));
  });

  test('open at either end, with ".." or nothing', async () => {
    const t = '2024-04-12T00:00:00Z';
    for (const value of [`${t}/..`, `${t}/`]) await check(value, ms(t), Infinity);
    for (const value of [`../${t}`, `/${t}`]) await check(value, -Infinity, ms(t));
    await check('../2020-07-18T00:00:00Z', -Infinity, ms('2020-07-18T00:00:00Z'));
  });

  test('items with only start_datetime and end_datetime match by their range', async () => {
    const id = data.rangeOnly.id;
    assert.equal(data.rangeOnly.properties.datetime, null);
    const has = async (value: string, expected: boolean) => {
      for (const reply of [await client.query('/search', { datetime: value, collections: SIMPLE }), await client.post('/search', { datetime: value, collections: [SIMPLE] })]) {
        assertOk(reply);
        assert.equal(ids(reply).includes(id), expected, `${value} ${expected ? 'matches' : 'does not match'} the range item`);
      }
    };
    // Range: 2020-12-11T22:38:32.125Z/2020-12-11T22:38:32.327Z
    await has('2020-12-11T22:38:32.200Z', true);
    await has('2020-12-11T22:38:32.300Z/2020-12-11T23:00:00Z', true);
    await has('2020-12-11T22:00:00Z/2020-12-11T22:38:32.125Z', true);
    await has('2020-12-11T22:38:32.327Z/..', true);
    await has('2020-12-11T22:00:00Z/2020-12-12T00:00:00Z', true);
    await has('2020-12-11T22:38:32.328Z/2020-12-12T00:00:00Z', false);
    await has('../2020-12-11T22:38:32.124Z', false);
    await has('2020-12-11T22:38:32.100Z', false);
  });

  test('RFC 3339 variants are accepted', async () => {
    for (const value of [
      '/1985-04-12T23:20:50.52Z', '1985-04-12T23:20:50.52Z/', '../1985-04-12T23:20:50.52Z', '1985-04-12T23:20:50.52Z/..',
      '1985-04-12t23:20:50.52z', '1985-04-12T23:20:50.52z', '1985-04-12t23:20:50.52Z', '1985-04-12 23:20:50Z',
      '1985-04-12T23:20:50Z', '1985-04-12T23:20:50.5Z', '1985-04-12T23:20:50.52Z', '1985-04-12T23:20:50.523Z', '1985-04-12T23:20:50.5234Z',
      '1985-04-12T23:20:50.52345Z', '1985-04-12T23:20:50.523456Z', '1985-04-12T23:20:50.5234567Z', '1985-04-12T23:20:50.52345678Z',
      '1985-04-12T23:20:50.523456789Z', '1996-12-19T16:39:57-08:00', '1990-12-31T23:59:60Z', '2024-02-29T00:00:00Z',
      '1985-04-12T23:20:50+00:00/1985-04-13T23:20:50-00:00', '0000-02-29T00:00:00Z', '2000-02-29T00:00:00Z', '0004-02-29T12:00:00Z',
      '9999-12-31T23:59:59.999Z',
    ]) {
      for (const reply of [await client.query('/search', { datetime: value }), await client.post('/search', { datetime: value })]) {
        assertOk(reply);
      }
    }
    const before1985 = await client.query('/search', { datetime: '/1985-04-12T23:20:50.52Z' });
    assert.equal(before1985.body.numberMatched, 0);
    const after1985 = await client.query('/search', { datetime: '1985-04-12T23:20:50.52Z/' });
    assert.equal(after1985.body.numberMatched, data.all.length);
    // Nine fractional digits keep the instant exact to the millisecond.
    const nanos = await client.query('/search', { datetime: '2000-02-02T00:00:00.000000000Z' });
    assert.equal(nanos.body.numberMatched, 30);
    const justBefore = await client.query('/search', { datetime: '2000-02-01T23:59:59.999999999Z' });
    assert.equal(justBefore.body.numberMatched, 0);
  });

  test('invalid datetimes → 400', async () => {
    for (const value of [
      '/', '../..', '/..', '../', '..', '1985-04-12', '1985-04-12/1985-04-13', '1985-04-12T23:20:50.52+0100', '85-04-12T23:20:50Z',
      '11985-04-12T23:20:50Z', '1985-13-12T23:20:50Z', '1985-00-12T23:20:50Z', '1985-04-32T23:20:50Z', '1985-04-00T23:20:50Z',
      '1985-04-12T25:20:50Z', '1985-04-12T24:00:00Z', '1985-04-12T23:60:50Z', '1985-04-12T23:20:61Z', '1985-04-12T23:20:50',
      '1985-04-12T23:20:50.Z', '1985-04-12T23:20Z', '2023-02-29T00:00:00Z', '1985-04-31T00:00:00Z', '1985-04-12T23:20:50+25:00',
      '2020-01-02T00:00:00Z/2020-01-01T00:00:00Z', '2020-01-01T00:00:00Z/2020-01-02T00:00:00Z/2020-01-03T00:00:00Z',
      '1900-02-29T00:00:00Z', '0100-02-29T00:00:00Z', '2100-02-29T00:00:00Z', '2024-02-30T00:00:00Z',
      'yesterday', 'now', '2020-01-01T00:00:00Z/now', ' 2020-01-01T00:00:00Z', '1985-04-12T23:20:50.52ZZ', '1985-04-12T23:20:50,52Z',
    ]) {
      await bothRejected({ datetime: value }, { datetime: value }, /datetime/);
    }
    assertError(await client.query('/search', { datetime: '2020-01-02T00:00:00Z/2020-01-01T00:00:00Z' }), 400, /after/);
    for (const value of [5, ['2020-01-01T00:00:00Z'], { start: '2020-01-01T00:00:00Z' }, true, null]) {
      assertError(await client.post('/search', { datetime: value }), 400, /datetime/);
    }
  });
});

describe('ids and collections', () => {
  test('ids', async () => {
    const some = [data.s2[0].id, data.joplin[3].id, data.rangeOnly.id];
    await both({ ids: some.join(',') }, { ids: some }, sorted(some));
    await both({ ids: 'no-such-item' }, { ids: ['no-such-item'] }, []);
    await both({ ids: `${data.s2[0].id},${data.s2[0].id}` }, { ids: [data.s2[0].id, data.s2[0].id] }, [data.s2[0].id]);
    const list = await client.post('/search', { ids: `${data.s2[0].id},${data.s2[1].id}` });
    assert.deepEqual(sorted(ids(list)), sorted([data.s2[0].id, data.s2[1].id]), 'POST ids as a comma-separated string');
    assertError(await client.post('/search', { ids: [1, 2] }), 400, /ids/);
    assertError(await client.post('/search', { ids: { a: 1 } }), 400, /ids/);
    assertError(await client.query('/search', { ids: Array.from({ length: 1001 }, (_, i) => `id${i}`).join(',') }), 400, /ids/);
  });

  test('collections: GET list, POST array, POST plain string', async () => {
    await both({ collections: `${JOPLIN},${SIMPLE}` }, { collections: [JOPLIN, SIMPLE] }, idsWhere((i) => i.collection === JOPLIN || i.collection === SIMPLE));
    const plain = await client.post('/search', { collections: JOPLIN, limit: 100 });
    assertOk(plain);
    assert.deepEqual(sorted(ids(plain)), idsWhere((i) => i.collection === JOPLIN));
    await both({ collections: 'no-such-collection' }, { collections: ['no-such-collection'] }, []);
    await both({ collections: L1C, ids: `${data.antimeridian.id},${data.s2[0].id}` }, { collections: [L1C], ids: [data.antimeridian.id, data.s2[0].id] }, [data.antimeridian.id]);
    assertError(await client.post('/search', { collections: [JOPLIN, 5] }), 400, /collections/);
    assertError(await client.get(`/search?collections=${JOPLIN}&collections=${S2}`), 400, /collections.*more than once/);
  });
});

describe('limit and paging', () => {
  test('limit sets the page size and a next link appears', async () => {
    const reply = await client.query('/search', { limit: 5 });
    assert.equal(reply.body.features.length, 5);
    assert.equal(reply.body.numberReturned, 5);
    assert.equal(reply.body.numberMatched, data.all.length);
    const next = link(reply.body, 'next');
    assert.equal(next.method, 'GET');
    assert.equal(next.type, GEOJSON);
    assert.equal(maybeLink(reply.body, 'prev'), undefined, 'no prev link on the first page');
    const post = await client.post('/search', { limit: 5 });
    assert.equal(post.body.features.length, 5);
  });

  test('limits above the maximum are served, clamped', async () => {
    for (const limit of [10000, 100000, 1000000]) {
      for (const reply of [await client.query('/search', { limit }), await client.post('/search', { limit })]) {
        assertOk(reply);
        assert.equal(reply.body.features.length, data.all.length, `limit=${limit}`);
        assert.equal(maybeLink(reply.body, 'next'), undefined);
      }
    }
  });

  test('invalid limits → 400', async () => {
    for (const limit of ['0', '-1', '1.5', 'abc', '1e3', '10abc', ' ', '+5', '0x10']) {
      assertError(await client.query('/search', { limit }), 400, /limit/);
    }
    for (const limit of [0, -1, 1.5, 'abc', null, true, [5], { n: 5 }, 1e400]) {
      assertError(await client.post('/search', { limit }), 400, /limit/);
    }
    assertError(await client.get('/search?limit=1&limit=2'), 400, /limit/);
  });

  test('GET: next links reach every item exactly once; prev links lead back', async () => {
    const first = await client.query('/search', { limit: 5 });
    const forward = await walk(client, first, 'next');
    assert.deepEqual(sorted(forward.pages.flat()), ALL_IDS);
    assert.equal(forward.pages.length, Math.ceil(data.all.length / 5));
    const nextHref = new URL(link(first.body, 'next').href);
    assert.equal(nextHref.pathname, '/stac/search');
    assert.equal(nextHref.searchParams.get('limit'), '5');
    const backward = await walk(client, forward.last, 'prev');
    assert.deepEqual(backward.pages, [...forward.pages].reverse());
    assert.deepEqual(backward.last.body.features.map((f: Json) => f.id), ids(first));
  });

  test('GET paging keeps filters and a sort on a property most items lack', async () => {
    const params = { limit: 4, sortby: '-eo:cloud_cover', bbox: '-180,-90,180,90' };
    const first = await client.query('/search', params);
    const forward = await walk(client, first, 'next');
    const order = forward.pages.flat();
    assert.deepEqual(sorted(order), ALL_IDS, 'every item exactly once');
    const withCover = data.all.filter((i) => typeof prop(i, 'eo:cloud_cover') === 'number')
      .sort((a, b) => prop(b, 'eo:cloud_cover') - prop(a, 'eo:cloud_cover')).map((i) => i.id);
    assert.deepEqual(order.slice(0, withCover.length), withCover, 'descending, items without the property last');
    const backward = await walk(client, forward.last, 'prev');
    assert.deepEqual([...backward.pages].reverse().flat(), order);
    for (const page of [forward.first, forward.last]) {
      for (const rel of ['next', 'prev']) {
        const l = maybeLink(page.body, rel);
        if (!l) continue;
        const url = new URL(l.href);
        assert.equal(url.searchParams.get('sortby'), '-eo:cloud_cover');
        assert.equal(url.searchParams.get('bbox'), '-180,-90,180,90');
      }
    }
  });

  test('items with equal sort values (30 Joplin items share one datetime) page without loss or repeats', async () => {
    const first = await client.query('/search', { limit: 3, collections: JOPLIN });
    const forward = await walk(client, first, 'next');
    assert.equal(forward.pages.length, 10);
    assert.deepEqual(sorted(forward.pages.flat()), idsWhere((i) => i.collection === JOPLIN));
  });

  test('POST: next links carry method POST and a body with the token and the original parameters', async () => {
    const body = {
      limit: 4,
      collections: [S2, JOPLIN, L1C],
      filter: { op: 'or', args: [{ op: '<', args: [{ property: 'eo:cloud_cover' }, 50] }, { op: '=', args: [{ property: 'collection' }, JOPLIN] }] },
      sortby: [{ field: 'collection', direction: 'asc' }, { field: 'datetime', direction: 'desc' }],
      fields: { exclude: ['assets'] },
    };
    const expected = idsWhere((i) => (prop(i, 'eo:cloud_cover') < 50 && [S2, L1C].includes(i.collection)) || i.collection === JOPLIN);
    const first = await client.post('/search', body);
    assertOk(first);
    const next = link(first.body, 'next');
    assert.equal(next.method, 'POST');
    assert.equal(next.href, `${server.stac}/search`);
    assert.equal(typeof next.body.token, 'string');
    const { token: _token, ...rest } = next.body;
    assert.deepEqual(rest, body, 'the original parameters');
    assert.equal(next.merge, false);
    const forward = await walk(client, first, 'next');
    const order = forward.pages.flat();
    assert.deepEqual(sorted(order), expected);
    assert.equal(order.length, expected.length, 'no repeats');
    for (const page of forward.pages) assert.ok(page.length <= 4);
    // The order is collection ascending, then datetime descending.
    const byId = new Map(data.all.map((i) => [i.id, i]));
    for (let i = 1; i < order.length; i++) {
      const [a, b] = [byId.get(order[i - 1]), byId.get(order[i])];
      assert.ok(a.collection < b.collection || (a.collection === b.collection && datetimeRange(a)[0] >= datetimeRange(b)[0]), `${a.id} before ${b.id}`);
    }
    const pageFeature = forward.last.body.features[0];
    assert.equal(pageFeature.assets, undefined, 'fields still apply on later pages');
    const backward = await walk(client, forward.last, 'prev');
    assert.deepEqual(backward.pages, [...forward.pages].reverse());
    const prev = link(forward.last.body, 'prev');
    assert.equal(prev.method, 'POST');
    assert.equal(prev.body.limit, 4);
  });

  test('a token from a differently sorted search, or a made-up one → 400', async () => {
    const first = await client.query('/search', { limit: 2 });
    const token = new URL(link(first.body, 'next').href).searchParams.get('token') ?? '';
    assertError(await client.query('/search', { limit: 2, sortby: 'id', token }), 400, /token/);
    for (const bad of ['abc', '%%%', '!!!!', 'e30', Buffer.from('["n"]').toString('base64url'), Buffer.from('["x",1,"a","b"]').toString('base64url'),
      Buffer.from('["n",{},"a","b"]').toString('base64url'), Buffer.from('[]').toString('base64url'), 'x'.repeat(5000)]) {
      assertError(await client.query('/search', { token: bad }), 400, /token/);
      assertError(await client.post('/search', { token: bad }), 400, /token/);
    }
    for (const bad of [5, {}, ['a'], true]) assertError(await client.post('/search', { token: bad }), 400, /token/);
  });
});

describe('limit clamping with a small STAC_MAX_LIMIT', () => {
  let small: TestServer;
  let smallClient: Client;
  before(async () => {
    small = await startTestServer({ STAC_MAX_LIMIT: '5', STAC_DEFAULT_LIMIT: '3' });
    smallClient = new Client(small);
    await loadFixtures(smallClient, data);
  });
  after(async () => {
    await small?.close();
  });

  test('the default limit applies without a limit', async () => {
    const reply = await smallClient.get('/search');
    assert.equal(reply.body.features.length, 3);
  });

  test('limit=10000, 100000, 1000000 → 200 with at most the maximum', async () => {
    for (const limit of [6, 10000, 100000, 1000000]) {
      for (const reply of [await smallClient.query('/search', { limit }), await smallClient.post('/search', { limit })]) {
        assertOk(reply);
        assert.equal(reply.body.features.length, 5, `limit=${limit}`);
        assert.equal(reply.body.numberReturned, 5);
        assert.equal(reply.body.numberMatched, data.all.length);
      }
    }
    const collection = await smallClient.query(`/collections/${JOPLIN}/items`, { limit: 1000000 });
    assert.equal(collection.body.features.length, 5);
    const collections = await smallClient.query('/collections', { limit: 1000000 });
    assert.equal(collections.body.collections.length, 4, 'fewer than the maximum');
  });

  test('paging with a clamped limit still reaches every item once', async () => {
    const forward = await walk(smallClient, await smallClient.query('/search', { limit: 1000000 }), 'next');
    assert.equal(forward.pages.length, Math.ceil(data.all.length / 5));
    assert.deepEqual(sorted(forward.pages.flat()), ALL_IDS);
  });
});

describe('filter (CQL2)', () => {
  const cases: [string, string, (item: Json) => boolean][] = [
    ['comparison on a property with a colon', 'eo:cloud_cover < 20', (i) => prop(i, 'eo:cloud_cover') < 20],
    ['quoted identifier and AND', `"eo:cloud_cover" >= 20 AND collection = '${S2}'`, (i) => i.collection === S2 && prop(i, 'eo:cloud_cover') >= 20],
    ['OR and NOT', `NOT (platform = 'sentinel-2a') OR gsd > 0.5`, (i) => (prop(i, 'platform') !== undefined && prop(i, 'platform') !== 'sentinel-2a') || prop(i, 'gsd') > 0.5],
    ['LIKE', "id LIKE 'S2A%'", (i) => i.id.startsWith('S2A')],
    ['IN', "platform IN ('sentinel-2b', 'cool_sat1')", (i) => ['sentinel-2b', 'cool_sat1'].includes(prop(i, 'platform'))],
    ['BETWEEN', '"eo:cloud_cover" BETWEEN 10 AND 80', (i) => prop(i, 'eo:cloud_cover') >= 10 && prop(i, 'eo:cloud_cover') <= 80],
    ['IS NULL', '"eo:cloud_cover" IS NULL', (i) => prop(i, 'eo:cloud_cover') === undefined],
    ['CASEI', "CASEI(platform) = CASEI('SENTINEL-2A')", (i) => prop(i, 'platform') === 'sentinel-2a'],
    ['S_INTERSECTS', 'S_INTERSECTS(geometry, POLYGON((-106.1 39.7, -105.9 39.7, -105.9 39.8, -106.1 39.8, -106.1 39.7)))',
      (i) => geometriesIntersect(bboxPolygon([-106.1, 39.7, -105.9, 39.8]), i.geometry)],
    ['T_INTERSECTS', "T_INTERSECTS(datetime, INTERVAL('2024-04-01T00:00:00Z', '2024-04-15T00:00:00Z'))",
      (i) => datetimeRange(i)[0] <= Date.parse('2024-04-15T00:00:00Z') && datetimeRange(i)[1] >= Date.parse('2024-04-01T00:00:00Z')],
    ['TIMESTAMP comparison', "datetime > TIMESTAMP('2024-04-15T00:00:00Z')", (i) => datetimeRange(i)[0] > Date.parse('2024-04-15T00:00:00Z')],
    ['A_CONTAINS', "A_CONTAINS(instruments, ('msi'))", (i) => (prop(i, 'instruments') ?? []).includes('msi')],
    ['arithmetic', 'gsd * 2 > 1', (i) => prop(i, 'gsd') * 2 > 1],
    ['property against property', '"s2:vegetation_percentage" > "s2:water_percentage"', (i) => prop(i, 's2:vegetation_percentage') > prop(i, 's2:water_percentage')],
  ];

  for (const [name, text, predicate] of cases) {
    test(`cql2-text: ${name}`, async () => {
      const expected = idsWhere(predicate);
      assert.ok(expected.length > 0 && expected.length < data.all.length, `a discriminating filter (${expected.length})`);
      await both({ filter: text }, { filter: text }, expected);
      await both({ filter: text, 'filter-lang': 'cql2-text' }, { filter: text, 'filter-lang': 'cql2-text' }, expected);
    });
  }

  test('cql2-json, GET (as a string) and POST (as an object, the default language)', async () => {
    const filter = { op: 'and', args: [{ op: '<', args: [{ property: 'eo:cloud_cover' }, 50] }, { op: '=', args: [{ property: 'platform' }, 'sentinel-2b'] }] };
    const expected = idsWhere((i) => prop(i, 'eo:cloud_cover') < 50 && prop(i, 'platform') === 'sentinel-2b');
    assert.ok(expected.length > 0);
    await both({ filter: JSON.stringify(filter), 'filter-lang': 'cql2-json' }, { filter }, expected);
    await both({ filter: JSON.stringify(filter), 'filter-lang': 'cql2-json' }, { filter, 'filter-lang': 'cql2-json' }, expected);
    const spatial = { op: 's_intersects', args: [{ property: 'geometry' }, { bbox: [179, -17, -179, -15] }] };
    await both({ filter: JSON.stringify(spatial), 'filter-lang': 'cql2-json' }, { filter: spatial }, [data.antimeridian.id]);
    const temporal = { op: 't_intersects', args: [{ property: 'datetime' }, { interval: ['2020-12-11T22:38:32.2Z', '2020-12-11T22:38:32.3Z'] }] };
    await both({ filter: JSON.stringify(temporal), 'filter-lang': 'cql2-json' }, { filter: temporal }, [data.rangeOnly.id]);
  });

  test('filter-crs: CRS84 only', async () => {
    const crs = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';
    await both({ filter: "platform = 'cool_sat1'", 'filter-crs': crs }, { filter: "platform = 'cool_sat1'", 'filter-crs': crs }, [data.rangeOnly.id]);
    await bothRejected({ filter: "platform = 'x'", 'filter-crs': 'http://www.opengis.net/def/crs/EPSG/0/4326' },
      { filter: "platform = 'x'", 'filter-crs': 'EPSG:4326' }, /filter-crs/);
  });

  test('filter combines with the other parameters', async () => {
    await both({ filter: 'eo:cloud_cover < 50', collections: L1C }, { filter: 'eo:cloud_cover < 50', collections: [L1C] },
      idsWhere((i) => i.collection === L1C && prop(i, 'eo:cloud_cover') < 50));
    await both({ filter: 'eo:cloud_cover < 50', bbox: '-107,39,-104,41' }, { filter: 'eo:cloud_cover < 50', bbox: [-107, 39, -104, 41] },
      idsWhere((i) => i.collection === S2 && prop(i, 'eo:cloud_cover') < 50));
  });

  test('unknown filter-lang, bad languages and CQL2 syntax errors → 400', async () => {
    await bothRejected({ filter: 'gsd > 1', 'filter-lang': 'cql3' }, { filter: 'gsd > 1', 'filter-lang': 'cql3' }, /filter-lang/);
    await bothRejected({ filter: 'gsd > 1', 'filter-lang': 'cql-text' }, { filter: { op: '>', args: [{ property: 'gsd' }, 1] }, 'filter-lang': 'cql2-text' }, /filter/);
    assertError(await client.query('/search', { filter: 'gsd > 1', 'filter-lang': 'cql2-json' }), 400, /filter must be JSON/);
    assertError(await client.post('/search', { filter: 5, 'filter-lang': 'cql2-json' }), 400, /filter/);
    for (const bad of [
      'eo:cloud_cover <', 'eo:cloud_cover < 20 AND', '(gsd > 1', 'gsd > 1)', "platform = 'unterminated", 'AND', 'gsd > 1 2', '()', '= 5',
      "id LIKE", 'gsd BETWEEN 1', 'platform IN ()', 'S_INTERSECTS(geometry, POLYGON((0 0, 1 0, 1 1)))', "T_INTERSECTS(datetime, INTERVAL('2020-13-01', '..'))",
      "datetime > TIMESTAMP('yesterday')", 'gsd > > 1', '"unterminated > 1', 'gsd >= ', '@@@', 'gsd = 1e',
    ]) {
      await bothRejected({ filter: bad }, { filter: bad, 'filter-lang': 'cql2-text' }, /filter/);
    }
  });

  test('unknown functions and malformed CQL2 JSON → 400', async () => {
    await bothRejected({ filter: 'foo(gsd) > 1' }, { filter: 'upper(platform) = \'X\'' }, /filter/);
    for (const bad of [
      { op: 'foo', args: [{ property: 'gsd' }] },
      { op: '=', args: [{ property: 'gsd' }] },
      { op: '=' },
      { op: '=', args: 'x' },
      { op: 's_intersects', args: [{ property: 'geometry' }, 5] },
      { op: 's_intersects', args: [{ property: 'geometry' }, { bbox: [1, 2, 3] }] },
      { op: 't_intersects', args: [{ property: 'datetime' }, { interval: ['2020-01-01T00:00:00Z'] }] },
      { op: 'in', args: [{ property: 'id' }, []] },
      { op: 'and', args: [true] },
      { op: '<', args: [{ property: '' }, 1] },
      { op: 'not', args: [5] },
      { op: '=', args: [{ property: 'gsd' }, { timestamp: 'not-a-time' }] },
      5, 'x', [],
    ]) {
      await bothRejected({ filter: JSON.stringify(bad), 'filter-lang': 'cql2-json' }, { filter: bad, 'filter-lang': 'cql2-json' }, /filter/);
    }
    let deep: Json = { op: '=', args: [{ property: 'gsd' }, 1] };
    for (let i = 0; i < 150; i++) deep = { op: 'not', args: [deep] };
    assertError(await client.post('/search', { filter: deep }), 400, /filter/);
    const deepText = `${'NOT ('.repeat(500)}gsd = 1${')'.repeat(500)}`;
    assertError(await client.query('/search', { filter: deepText }), 400, /filter/);
  });

  test('property names with a backslash or a control character → 400, not 500', async () => {
    for (const name of ['a\\', '\\', 'eo:cloud_cover\\', 'a\u0000b', 'a\u0001']) {
      const json = { op: '=', args: [{ property: name }, 1] };
      await bothRejected({ filter: JSON.stringify(json), 'filter-lang': 'cql2-json' }, { filter: json }, /property/);
      const temporal = { op: 't_intersects', args: [{ interval: [{ property: name }, '..'] }, { interval: ['2020-01-01', '..'] }] };
      assertError(await client.post('/search', { filter: temporal }), 400, /property/);
      assertError(await client.post('/search', { query: { [name]: { eq: 1 } } }), 400, /query/);
      assertError(await client.query('/collections', { filter: JSON.stringify(json), 'filter-lang': 'cql2-json' }), 400, /property/);
    }
    assertError(await client.query('/search', { filter: '"a\\" = 1' }), 400, /property/);
    assertError(await client.query('/search', { filter: '"eo:cloud_cover\\" < 5 OR gsd > 0' }), 400, /property/);
  });

  test('filter given twice in GET → 400', async () => {
    assertError(await client.get('/search?filter=gsd%3E1&filter=gsd%3C2'), 400, /filter/);
  });
});

describe('sortby', () => {
  const cover = (a: Json, b: Json) => prop(a, 'eo:cloud_cover') - prop(b, 'eo:cloud_cover');
  const s2Order = (compare: (a: Json, b: Json) => number) => [...data.s2].sort(compare).map((i) => i.id);

  test('GET: "-" descending, "+" or nothing ascending, properties. prefix', async () => {
    const desc = await client.query('/search', { collections: S2, sortby: '-eo:cloud_cover' });
    assert.deepEqual(ids(desc), s2Order((a, b) => cover(b, a)));
    for (const sortby of ['+eo:cloud_cover', 'eo:cloud_cover', 'properties.eo:cloud_cover']) {
      const asc = await client.query('/search', { collections: S2, sortby });
      assert.deepEqual(ids(asc), s2Order(cover), sortby);
    }
    // An unencoded "+" in a query string arrives as a space.
    const raw = await client.get(`/search?collections=${S2}&sortby=+eo:cloud_cover`);
    assert.deepEqual(ids(raw), s2Order(cover));
    const byId = await client.query('/search', { sortby: '-id', limit: 100 });
    assert.deepEqual(ids(byId), [...ALL_IDS].reverse());
  });

  test('several keys', async () => {
    const reply = await client.query('/search', { sortby: 'collection,-datetime,id', limit: 100 });
    const expected = [...data.all].sort((a, b) => (a.collection < b.collection ? -1 : a.collection > b.collection ? 1 : 0)
      || datetimeRange(b)[0] - datetimeRange(a)[0] || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map((i) => i.id);
    assert.deepEqual(ids(reply), expected);
    const post = await client.post('/search', { sortby: [{ field: 'collection', direction: 'asc' }, { field: 'datetime', direction: 'desc' }, { field: 'id' }], limit: 100 });
    assert.deepEqual(ids(post), expected);
  });

  test('POST: an array of {field, direction}', async () => {
    const desc = await client.post('/search', { collections: [S2], sortby: [{ field: 'eo:cloud_cover', direction: 'desc' }] });
    assert.deepEqual(ids(desc), s2Order((a, b) => cover(b, a)));
    const asc = await client.post('/search', { collections: [S2], sortby: [{ field: 'properties.eo:cloud_cover', direction: 'asc' }] });
    assert.deepEqual(ids(asc), s2Order(cover));
    const datetime = await client.post('/search', { collections: [S2], sortby: [{ field: 'datetime', direction: 'asc' }] });
    assert.deepEqual(ids(datetime), s2Order((a, b) => datetimeRange(a)[0] - datetimeRange(b)[0]));
  });

  test('unknown directions and malformed sortby → 400', async () => {
    for (const direction of ['up', 'ASC', 'descending', '', 1, null]) {
      assertError(await client.post('/search', { sortby: [{ field: 'datetime', direction }] }), 400, /sortby/);
    }
    for (const bad of [[{}], [{ field: 5 }], ['datetime'], { field: 'datetime' }, 5, [null]]) {
      assertError(await client.post('/search', { sortby: bad }), 400, /sortby/);
    }
    for (const sortby of ['datetime desc', 'datetime DESC', '-datetime asc']) assertError(await client.query('/search', { sortby }), 400, /sortby/);
    assertError(await client.query('/search', { sortby: 'id,-id' }), 400, /twice/);
    assertError(await client.query('/search', { sortby: 'a,b,c,d,e,f,g,h,i' }), 400, /at most/);
    assertError(await client.query('/search', { sortby: 'x'.repeat(300) }), 400, /sortby/);
    // Names a JSON path cannot hold are refused, not a 500.
    for (const field of ['a\\', 'eo:cloud_cover\\', 'a\u0000b', '\u0007']) {
      assertError(await client.query('/search', { sortby: `-${field}` }), 400, /sortby/);
      assertError(await client.post('/search', { sortby: [{ field, direction: 'asc' }] }), 400, /sortby/);
      assertError(await client.query('/collections', { sortby: field }), 400, /sortby/);
    }
    assertError(await client.get('/search?sortby=id&sortby=datetime'), 400, /sortby/);
  });
});

describe('fields', () => {
  const s2Id = data.s2[0].id;

  test('GET include and exclude', async () => {
    const include = await client.query('/search', { ids: s2Id, fields: 'id,properties.eo:cloud_cover,bbox' });
    assert.deepEqual(include.body.features[0], { type: 'Feature', stac_version: data.s2[0].stac_version, id: s2Id, collection: S2, bbox: data.s2[0].bbox, properties: { 'eo:cloud_cover': prop(data.s2[0], 'eo:cloud_cover') } });
    const exclude = await client.query('/search', { ids: s2Id, fields: '-assets,-links,-properties.s2:tile_id' });
    const f = exclude.body.features[0];
    assert.equal(f.assets, undefined);
    assert.equal(f.links, undefined);
    assert.equal(f.properties['s2:tile_id'], undefined);
    assert.equal(f.properties['eo:cloud_cover'], prop(data.s2[0], 'eo:cloud_cover'));
    assert.deepEqual(f.geometry, data.s2[0].geometry);
    const mixed = await client.query('/search', { ids: s2Id, fields: '+properties,-properties.created' });
    assert.equal(mixed.body.features[0].properties.created, undefined);
    assert.equal(mixed.body.features[0].properties.platform, prop(data.s2[0], 'platform'));
    assert.equal(mixed.body.features[0].assets, undefined);
    const empty = await client.query('/search', { ids: s2Id, fields: '' });
    assert.deepEqual(empty.body.features[0].properties, data.s2[0].properties);
  });

  test('POST include, exclude and an empty include', async () => {
    const include = await client.post('/search', { ids: [s2Id], fields: { include: ['properties.datetime', 'properties.platform'] } });
    assert.deepEqual(include.body.features[0].properties, { datetime: prop(data.s2[0], 'datetime'), platform: prop(data.s2[0], 'platform') });
    assert.equal(include.body.features[0].assets, undefined);
    const exclude = await client.post('/search', { ids: [s2Id], fields: { exclude: ['geometry', 'properties'] } });
    assert.equal(exclude.body.features[0].geometry, undefined);
    assert.equal(exclude.body.features[0].properties, undefined);
    assert.ok(exclude.body.features[0].assets);
    const defaults = await client.post('/search', { ids: [s2Id], fields: { include: [] } });
    const d = defaults.body.features[0];
    assert.deepEqual(d.properties, { datetime: prop(data.s2[0], 'datetime') });
    assert.ok(d.assets && d.links && d.geometry && d.bbox);
    const both = await client.post('/search', { ids: [s2Id], fields: { include: ['properties.platform'], exclude: ['properties.platform'] } });
    assert.equal(both.body.features[0].properties.platform, prop(data.s2[0], 'platform'), 'include wins');
    const asString = await client.post('/search', { ids: [s2Id], fields: 'id' });
    assert.deepEqual(Object.keys(asString.body.features[0]).sort(), ['collection', 'id', 'stac_version', 'type']);
  });

  test('malformed fields → 400; POST fields null → 400', async () => {
    assertError(await client.post('/search', { fields: null }), 400, /fields/);
    for (const bad of [{ include: 'id' }, { exclude: [1] }, ['id'], 5, true]) {
      assertError(await client.post('/search', { fields: bad }), 400, /fields/);
    }
    assertError(await client.get('/search?fields=id&fields=bbox'), 400, /fields/);
  });
});

describe('item pages, written from the stored item texts', () => {
  test("each feature is its item's stored text, verbatim, with this API's links added last; the same item /items/{id} serves", async () => {
    const reply = await client.query(`/collections/${S2}/items`, { limit: 100 });
    assertOk(reply);
    const stored = await server.catalog.searchItemTexts({ ...parseItemSearch({ limit: '100' }, 'GET', { defaultLimit: 10, maxLimit: 10_000 }).search, collections: [S2] });
    assert.deepEqual(ids(reply), stored.features.map((t) => t.id));
    assert.ok(stored.features.length > 1);
    let at = 0;
    for (const [i, text] of stored.features.entries()) {
      const found = reply.text.indexOf(`${text.json.slice(0, -1)},"links":[{"rel":"self"`, at);
      assert.ok(found > at, `${text.id}: its stored text, then its links, in page order`);
      at = found;
      const single = await client.get(`/collections/${S2}/items/${encodeURIComponent(text.id)}`);
      assert.deepEqual(reply.body.features[i], single.body, text.id);
      assert.equal(reply.body.features[i].links[0].href, `${server.stac}/collections/${S2}/items/${encodeURIComponent(text.id)}`);
    }
    assert.equal(reply.headers.get('content-length'), String(Buffer.byteLength(reply.text)));
  });

  test('an item with quotes, backslashes, line separators, astral characters and </script> round-trips through a page', async () => {
    const odd = ['quote " and \\ backslash', 'line\u2028separator\u2029', 'astral 🛰️ 𝔘', 'tab\tnewline\n', '</script>', 'é and e\u0301'];
    const item = {
      ...data.rangeOnly, id: 'odd "text" ü/\\', properties: { ...data.rangeOnly.properties, odd, nested: { '': odd[0], ключ: [1e21, -3e-7, null] } },
      links: [{ rel: 'license', href: 'https://example.com/l?a="b"&c=\\d' }, { rel: 'self', href: 'relative.json' }],
    };
    assert.deepEqual(await server.catalog.upsertItems([item]), { written: 1, errors: [] });
    try {
      const page = await client.query(`/collections/${item.collection}/items`, { ids: item.id });
      assertOk(page);
      const [feature] = page.body.features;
      const collectionUrl = `${server.stac}/collections/${encodeURIComponent(item.collection)}`;
      const itemUrl = `${collectionUrl}/items/${encodeURIComponent(item.id)}`;
      assert.deepEqual(feature, {
        ...item,
        links: [
          { rel: 'self', href: itemUrl, type: GEOJSON },
          { rel: 'parent', href: collectionUrl, type: JSON_TYPE },
          { rel: 'collection', href: collectionUrl, type: JSON_TYPE },
          { rel: 'root', href: `${server.stac}/`, type: JSON_TYPE },
          item.links[0],
        ],
      });
      const viaFields = await client.query(`/collections/${item.collection}/items`, { ids: item.id, fields: 'properties.odd' });
      assert.deepEqual(viaFields.body.features[0].properties, { odd });
    } finally {
      await server.catalog.deleteItems([{ collection: item.collection, id: item.id }]);
    }
  });
});

describe('query extension', () => {
  const cc = (i: Json) => prop(i, 'eo:cloud_cover');

  test('comparison operators', async () => {
    const q = (query: Json) => ({ query: JSON.stringify(query) });
    const cases: [Json, (i: Json) => boolean][] = [
      [{ 'eo:cloud_cover': { lt: 20 } }, (i) => cc(i) < 20],
      [{ 'eo:cloud_cover': { lte: 22.001417 } }, (i) => cc(i) <= 22.001417],
      [{ 'eo:cloud_cover': { gt: 80 } }, (i) => cc(i) > 80],
      [{ 'eo:cloud_cover': { gte: 10, lte: 50 } }, (i) => cc(i) >= 10 && cc(i) <= 50],
      [{ 'eo:cloud_cover': { lt: '20' } }, (i) => cc(i) < 20],
      [{ 'properties.eo:cloud_cover': { lt: 20 } }, (i) => cc(i) < 20],
      [{ platform: { eq: 'sentinel-2b' } }, (i) => prop(i, 'platform') === 'sentinel-2b'],
      [{ gsd: { eq: data.joplin[0].properties.gsd } }, (i) => prop(i, 'gsd') === data.joplin[0].properties.gsd],
      [{ platform: { neq: 'sentinel-2b' } }, (i) => prop(i, 'platform') !== undefined && prop(i, 'platform') !== 'sentinel-2b'],
      [{ id: { startsWith: 'S2A_' } }, (i) => i.id.startsWith('S2A_')],
      [{ 's2:product_uri': { endsWith: '.SAFE' } }, (i) => String(prop(i, 's2:product_uri') ?? '').endsWith('.SAFE')],
      [{ 's2:datatake_id': { contains: '_20240412T' } }, (i) => String(prop(i, 's2:datatake_id') ?? '').includes('_20240412T')],
      [{ id: { contains: '%' } }, () => false],
      [{ platform: { in: ['sentinel-2a', 'cool_sat1'] } }, (i) => ['sentinel-2a', 'cool_sat1'].includes(prop(i, 'platform'))],
      [{ instruments: { in: ['msi'] } }, (i) => (prop(i, 'instruments') ?? []).includes('msi')],
      [{ 'eo:cloud_cover': { lt: 50 }, platform: { eq: 'sentinel-2a' } }, (i) => cc(i) < 50 && prop(i, 'platform') === 'sentinel-2a'],
    ];
    for (const [query, predicate] of cases) {
      await both(q(query), { query }, idsWhere(predicate), JSON.stringify(query));
    }
  });

  test('query and filter together', async () => {
    await both({ query: JSON.stringify({ 'eo:cloud_cover': { lt: 50 } }), filter: "platform = 'sentinel-2b'" },
      { query: { 'eo:cloud_cover': { lt: 50 } }, filter: "platform = 'sentinel-2b'" }, idsWhere((i) => cc(i) < 50 && prop(i, 'platform') === 'sentinel-2b'));
  });

  test('malformed query → 400', async () => {
    assertError(await client.query('/search', { query: '{"eo:cloud_cover": ' }), 400, /query must be JSON/);
    for (const bad of [
      { 'eo:cloud_cover': { like: 5 } }, { 'eo:cloud_cover': 5 }, { 'eo:cloud_cover': [1] }, { platform: { in: [] } }, { platform: { in: 'x' } },
      { platform: { startsWith: 5 } }, { platform: { eq: { a: 1 } } }, { platform: { eq: null } }, [1], 'x', 5,
    ]) {
      await bothRejected({ query: JSON.stringify(bad) }, { query: bad }, /query/);
    }
  });
});

describe('free text (q)', () => {
  const platform = (p: string) => (i: Json) => prop(i, 'platform') === p;

  test('basic: terms, comma-separated (GET) or an array (POST), case-insensitive', async () => {
    await both({ q: 'joplin' }, { q: 'joplin' }, idsWhere((i) => i.collection === JOPLIN));
    await both({ q: 'JOPLIN' }, { q: ['JoPlIn'] }, idsWhere((i) => i.collection === JOPLIN));
    await both({ q: 'sentinel-2b' }, { q: ['sentinel-2b'] }, idsWhere(platform('sentinel-2b')));
    await both({ q: 'joplin,cool_sat1' }, { q: ['joplin', 'cool_sat1'] }, idsWhere((i) => i.collection === JOPLIN || i.id === data.rangeOnly.id));
    // Title and description words.
    await both({ q: 'common metadata' }, { q: 'common metadata' }, [data.rangeOnly.id]);
    await both({ q: 'no-such-word-anywhere' }, { q: ['no-such-word-anywhere'] }, []);
  });

  test('advanced: OR, AND, +required, -excluded, phrases, parentheses', async () => {
    const msi = (i: Json) => (prop(i, 'instruments') ?? []).includes('msi');
    await both({ q: 'sentinel-2b OR joplin' }, { q: 'sentinel-2b OR joplin' }, idsWhere((i) => platform('sentinel-2b')(i) || i.collection === JOPLIN));
    await both({ q: 'msi AND sentinel-2a' }, { q: 'msi AND sentinel-2a' }, idsWhere((i) => msi(i) && platform('sentinel-2a')(i)));
    await both({ q: 'msi -sentinel-2a' }, { q: 'msi -sentinel-2a' }, idsWhere((i) => msi(i) && !platform('sentinel-2a')(i)));
    await both({ q: '+msi +sentinel-2b' }, { q: '+msi +sentinel-2b' }, idsWhere((i) => msi(i) && platform('sentinel-2b')(i)));
    await both({ q: '"core item"' }, { q: '"core item"' }, [data.rangeOnly.id]);
    await both({ q: '"item core"' }, { q: '"item core"' }, [], 'a phrase matches its words in order');
    await both({ q: '(joplin OR cool_sat1) -joplin' }, { q: '(joplin OR cool_sat1) -joplin' }, [data.rangeOnly.id]);
  });

  test('malformed q → 400', async () => {
    for (const bad of ['"unterminated', '(joplin', 'joplin)', '-joplin', 'OR joplin', 'joplin AND', 'AND', '()', ',,,', 'a OR OR b',
      Array.from({ length: 51 }, (_, i) => `t${i}`).join(' '), 'x'.repeat(1001)]) {
      await bothRejected({ q: bad }, { q: bad }, /q /);
    }
    for (const bad of [5, [1], { a: 1 }, true, [], null]) {
      assertError(await client.post('/search', { q: bad }), 400, /q /);
    }
    // A NUL would end the text engine's query early.
    for (const bad of ['\u0000', 'jop\u0000lin', 'msi -sentinel\u0000', '"core\u0001item"']) {
      await bothRejected({ q: bad }, { q: bad }, /control characters/);
      assertError(await client.post('/search', { q: ['joplin', bad] }), 400, /control characters/);
      assertError(await client.query('/collections', { q: bad }), 400, /control characters/);
    }
    // Whitespace controls separate terms.
    await both({ q: 'joplin\tcool_sat1' }, { q: 'joplin\ncool_sat1' }, idsWhere((i) => i.collection === JOPLIN || i.id === data.rangeOnly.id));
  });
});

describe('malformed requests', () => {
  test('a non-JSON body, a JSON array, a JSON scalar, another content type → 400', async () => {
    assertError(await client.post('/search', '{not json'), 400, /not valid JSON/);
    assertError(await client.post('/search', '[{"limit": 1}]'), 400, /JSON object/);
    assertError(await client.post('/search', '"text"'), 400);
    assertError(await client.post('/search', '5'), 400);
    assertError(await client.post('/search', 'null'), 400);
    // An empty body is a search without parameters.
    assertOk(await client.request('POST', '/search', { headers: { 'content-type': 'application/json' } }));
    assertError(await client.post('/search', 'limit=5', { 'content-type': 'application/x-www-form-urlencoded' }), 400, /JSON object/);
    assertError(await client.post('/search', '{"limit": 5}', { 'content-type': 'text/plain' }), 400, /JSON object/);
  });

  test('a huge body → 413 {code, description}', async () => {
    const huge = JSON.stringify({ ids: Array.from({ length: 200_000 }, (_, i) => `item-${i}`) });
    assert.ok(huge.length > 1_000_000);
    assertError(await client.post('/search', huge), 413, /larger than/);
  });

  test('a huge query string is refused cleanly', async () => {
    const reply = await client.get(`/search?ids=${'a,'.repeat(20_000)}`);
    assert.ok(reply.status >= 400 && reply.status < 500, String(reply.status));
  });

  test('unknown parameters are ignored', async () => {
    const reply = await client.query('/search', { foo: 'bar', limit: 1 });
    assertOk(reply);
    assert.equal(reply.body.features.length, 1);
    const post = await client.post('/search', { foo: 'bar', limit: 1, conf: { x: 1 } });
    assertOk(post);
  });

  test('methods other than GET and POST on /search → 404 or 405 JSON', async () => {
    for (const method of ['PUT', 'DELETE', 'PATCH']) {
      const reply = await client.request(method, '/search', { body: {} });
      assert.ok(reply.status === 404 || reply.status === 405, `${method} ${reply.status}`);
      assertError(reply, reply.status);
    }
  });
});

describe('fuzz: mangled queries and bodies never cause a 5xx', () => {
  // FUZZ_SEED replays or explores other sequences; the default keeps runs reproducible.
  const random = seededRandom(Number(process.env.FUZZ_SEED ?? 0x5eed_1234));
  const rounds = Number(process.env.FUZZ_ROUNDS ?? 1);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
  const int = (n: number) => Math.floor(random() * n);
  const PARAMS = ['bbox', 'intersects', 'datetime', 'limit', 'ids', 'collections', 'filter', 'filter-lang', 'filter-crs', 'sortby', 'fields', 'query', 'q', 'token'] as const;
  const SAMPLES: Record<string, string[]> = {
    bbox: ['-107,39,-104,41', '179,-17,-179,-15', '-180,-90,180,90', '0,0,0,0', '1,2,3,4,5,6'],
    intersects: [JSON.stringify({ type: 'Point', coordinates: [-94.68, 37.04] }), JSON.stringify(bboxPolygon([-106, 39, -105, 40])),
      JSON.stringify({ type: 'GeometryCollection', geometries: [{ type: 'LineString', coordinates: [[0, 0], [1, 1]] }] })],
    datetime: ['2000-02-02T00:00:00Z', '2024-04-01T00:00:00Z/..', '../2020-01-01T00:00:00Z', '1985-04-12T23:20:50.52Z/1985-04-13T23:20:50.52Z'],
    limit: ['1', '10', '1000000', '0', '-5'],
    ids: [data.s2[0].id, `${data.joplin[1].id},${data.s2[2].id}`],
    collections: [S2, `${JOPLIN},${SIMPLE}`],
    filter: ['eo:cloud_cover < 20', "platform = 'sentinel-2a' AND gsd > 0.1", 'S_INTERSECTS(geometry, POINT(-94.68 37.04))', "A_CONTAINS(instruments, ('msi'))",
      "T_INTERSECTS(datetime, INTERVAL('2020-01-01', '..'))", JSON.stringify({ op: '<', args: [{ property: 'gsd' }, 1] }), "CASEI(id) LIKE 's2%'"],
    'filter-lang': ['cql2-text', 'cql2-json'],
    'filter-crs': ['http://www.opengis.net/def/crs/OGC/1.3/CRS84'],
    sortby: ['-datetime', '+id', 'eo:cloud_cover,-gsd', 'collection'],
    fields: ['id', '-assets', 'properties.datetime,-links'],
    query: [JSON.stringify({ 'eo:cloud_cover': { lt: 20 } }), JSON.stringify({ platform: { in: ['sentinel-2a'] } })],
    q: ['joplin', 'msi -sentinel-2a', '"core item"', '(a OR b) AND c'],
    token: ['WyJuIiwxLCJhIiwiYiJd', 'abc'],
  };
  const NASTY = ['', ' ', '..', '/', ',', ',,', '(', ')', '"', "'", '\\', '%', '%00', '\u0000', '\uffff', '\ud800', '😀', 'NaN', 'Infinity', '-0', '1e309',
    '9'.repeat(400), '[]', '{}', 'null', 'true', '[[[[[[[[', '{"op":', 'AND', 'OR', 'NOT', '*', '?', '..//..', 'T', 'Z', '+', '-', '\n', '\t', '<script>'];

  function mangle(text: string): string {
    let s = text;
    for (let n = 1 + int(4); n > 0; n--) {
      const at = int(s.length + 1);
      switch (int(6)) {
        case 0: s = s.slice(0, at) + pick(NASTY) + s.slice(at); break;
        case 1: s = s.slice(0, at) + s.slice(at + 1 + int(5)); break;
        case 2: s = s.slice(0, at) + String.fromCharCode(int(0x3000)) + s.slice(at + 1); break;
        case 3: s = s.slice(0, at); break;
        case 4: s = s + s.slice(0, int(50)); break;
        default: s = s.replace(/\d/, String(int(100000) - 50000));
      }
    }
    return s;
  }

  function value(name: string): string {
    const roll = random();
    if (roll < 0.25) return pick(SAMPLES[name] ?? NASTY);
    if (roll < 0.75) return mangle(pick(SAMPLES[name] ?? NASTY));
    if (roll < 0.9) return pick(NASTY);
    return Array.from({ length: int(300) }, () => String.fromCharCode(32 + int(95))).join('');
  }

  function randomJson(depth = 0): unknown {
    switch (int(depth > 3 ? 6 : 9)) {
      case 0: return null;
      case 1: return random() < 0.5;
      case 2: return pick([0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 1, 180.0000001, -90.5, int(1000)]);
      case 3: return pick(NASTY);
      case 4: return mangle(pick(Object.values(SAMPLES).flat()));
      case 5: return pick(Object.values(SAMPLES).flat());
      case 6: return Array.from({ length: int(6) }, () => randomJson(depth + 1));
      case 7: return Object.fromEntries(Array.from({ length: int(4) }, () => [pick([...PARAMS, 'op', 'args', 'property', 'type', 'coordinates', 'field', 'direction', 'include', 'exclude', 'lt', 'in']), randomJson(depth + 1)]));
      default: return { op: pick(['and', 'or', '=', '<', 's_intersects', 't_intersects', 'like', 'between', 'in', 'a_contains', 'casei', 'not', 'isNull', '+']), args: Array.from({ length: int(4) }, () => randomJson(depth + 1)) };
    }
  }

  function check(reply: Reply, what: string): void {
    assert.ok(reply.status < 500, `${what} → ${reply.status}: ${reply.text.slice(0, 300)}`);
    if (reply.status >= 400) {
      assert.equal(typeof reply.body?.code, 'string', `${what} → ${reply.status} without an error body: ${reply.text.slice(0, 200)}`);
      assert.equal(typeof reply.body?.description, 'string', what);
    } else {
      assert.equal(reply.status, 200, what);
      assert.equal(reply.body.type, 'FeatureCollection', what);
    }
  }

  test('GET /search with 300 random query strings', async () => {
    for (let n = 0; n < 300 * rounds; n++) {
      const pairs: string[] = [];
      for (let k = 1 + int(4); k > 0; k--) {
        const name = random() < 0.9 ? pick(PARAMS) : mangle('param');
        const v = value(name);
        // Mostly encoded; sometimes raw, with whatever percent signs and separators it holds.
        const encoded = random() < 0.8 ? encodeURIComponent(v.toWellFormed()) : v.toWellFormed().replace(/[#\s]/g, '').replace(/[^\x21-\x7e]/gu, (c) => encodeURIComponent(c));
        pairs.push(`${encodeURIComponent(name.toWellFormed())}=${encoded}`);
      }
      const path = `/search?${pairs.join('&')}`;
      check(await client.get(path), `GET ${path}`);
    }
  });

  test('POST /search with 300 random bodies', async () => {
    for (let n = 0; n < 300 * rounds; n++) {
      let body: string;
      const roll = random();
      if (roll < 0.7) {
        const doc: Record<string, unknown> = {};
        for (let k = 1 + int(4); k > 0; k--) {
          const name = pick(PARAMS);
          doc[name] = random() < 0.4 ? value(name) : randomJson();
        }
        body = JSON.stringify(doc);
      } else if (roll < 0.9) {
        body = mangle(JSON.stringify({ [pick(PARAMS)]: randomJson(), limit: int(20) }));
      } else {
        body = JSON.stringify(randomJson());
      }
      check(await client.post('/search', body), `POST ${body.slice(0, 500)}`);
    }
  });

  test('collections, items and aggregate with random parameters', async () => {
    for (let n = 0; n < 150 * rounds; n++) {
      const name = pick(PARAMS);
      const v = encodeURIComponent(value(name).toWellFormed());
      const path = pick(['/collections', `/collections/${JOPLIN}/items`, '/aggregate?aggregations=total_count,datetime_frequency&']);
      const url = `${path}${path.endsWith('&') ? '' : '?'}${name}=${v}`;
      const reply = await client.get(url);
      assert.ok(reply.status < 500, `GET ${url} → ${reply.status}: ${reply.text.slice(0, 300)}`);
      if (reply.status >= 400) assert.equal(typeof reply.body?.description, 'string', url);
    }
  });
});
