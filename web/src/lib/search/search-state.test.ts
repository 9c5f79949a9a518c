import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSearchState, polygonAsBbox, propertyFilter, searchStateToParams, stacDatetime, stacSearchParams } from './search-state.ts';

const parse = (query: string) => parseSearchState(new URLSearchParams(query));

test('a URL and the state it holds convert both ways, in a canonical order', () => {
  const query = 'q=sentinel&bbox=-10.5,35.9,3.4,43.8&from=2024-01-01&to=2024-06-30&collection=a&collection=b&account=ocean-lab&tag=sst&license=CC-BY-4.0&f.platform=sentinel-2a&f.instruments=msi&sort=-datetime&page=abc&map=5/40.1/-3.5';
  const { state, problems } = parse(query);
  assert.deepEqual(problems, []);
  assert.deepEqual(state.bbox, [-10.5, 35.9, 3.4, 43.8]);
  assert.deepEqual(state.properties, { platform: ['sentinel-2a'], instruments: ['msi'] });
  assert.deepEqual(state.view, { zoom: 5, lat: 40.1, lon: -3.5 });
  const again = parseSearchState(searchStateToParams(state)).state;
  assert.deepEqual(again, state);
  assert.equal(searchStateToParams(state).toString(), 'q=sentinel&bbox=-10.5%2C35.9%2C3.4%2C43.8&from=2024-01-01&to=2024-06-30&collection=a&collection=b&account=ocean-lab&tag=sst&license=CC-BY-4.0&f.instruments=msi&f.platform=sentinel-2a&sort=-datetime&page=abc&map=5%2F40.1000%2F-3.5000');
  assert.equal(searchStateToParams(state, { keepPage: false, keepView: false }).has('page'), false);
});

test('what is wrong with a URL is said in words, and the rest still searches', () => {
  assert.match(parse('bbox=1,2,3').problems[0], /four numbers/);
  assert.match(parse('bbox=10,50,20,40').problems[0], /south below north/);
  assert.match(parse('from=yesterday').problems[0], /start date/);
  assert.match(parse('intersects={"type":"Point","coordinates":[1,2]}').problems[0], /Polygon/);
  assert.match(parse('from=2024-05-01&to=2024-04-01').problems[0], /after the end/);
  const both = parse('bbox=0,0,1,1&intersects={"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}');
  assert.equal(both.state.bbox, undefined);
  assert.ok(both.state.intersects);
  assert.equal(parse('q=x&f.bad%20name=1').state.properties['bad name'], undefined, 'property names are checked');
});

test('the time range covers whole days, either end open', () => {
  assert.equal(stacDatetime({ from: '2024-01-01', to: '2024-01-31' }), '2024-01-01T00:00:00Z/2024-01-31T23:59:59Z');
  assert.equal(stacDatetime({ from: '', to: '2024-01-31' }), '../2024-01-31T23:59:59Z');
  assert.equal(stacDatetime({ from: '2024-01-01T06:00:00+02:00', to: '' }), '2024-01-01T04:00:00.000Z/..');
  assert.equal(stacDatetime({ from: '', to: '' }), undefined);
});

test('facets become CQL2: IN for values, A_OVERLAPS for arrays, quoted names and strings', () => {
  assert.equal(propertyFilter({ platform: ['a', "o'b"], 'eo:bands': ['x'] }, new Set(['eo:bands'])),
    `A_OVERLAPS("eo:bands", ('x')) AND platform IN ('a', 'o''b')`);
  assert.equal(propertyFilter({}, new Set()), undefined);
});

test('STAC search parameters: repository facets narrow the collections, and an empty scope finds nothing', () => {
  const { state } = parse('q=coast&collection=a.x&collection=b.y&from=2024-01-01');
  const params = stacSearchParams(state, { limit: 20, collectionScope: ['a.x', 'c.z'] });
  assert.equal(params.get('collections'), 'a.x');
  assert.equal(params.get('q'), 'coast');
  assert.equal(params.get('sortby'), null, 'free text sorts by relevance');
  assert.equal(stacSearchParams(state, { limit: 20, collectionScope: ['c.z'] }).get('collections'), '-');
  assert.equal(stacSearchParams(state, { limit: 20, withoutTime: true }).get('datetime'), null);
  assert.equal(stacSearchParams(state, { limit: 20, withoutCollections: true }).get('collections'), null);
  assert.equal(stacSearchParams(parse('').state, { limit: 5 }).get('sortby'), '-datetime', 'without free text, newest first');
});

test('a drawn rectangle is a bbox; any other polygon is not', () => {
  assert.deepEqual(polygonAsBbox({ type: 'Polygon', coordinates: [[[1, 2], [3, 2], [3, 4], [1, 4], [1, 2]]] }), [1, 2, 3, 4]);
  assert.equal(polygonAsBbox({ type: 'Polygon', coordinates: [[[1, 2], [3, 2], [2, 4], [1, 2]]] }), undefined);
  assert.equal(polygonAsBbox({ type: 'Polygon', coordinates: [[[1, 2], [3, 4], [3, 2], [1, 4], [1, 2]]] }), undefined, 'a bow tie is no box');
});
