import { Client, fixtures, loadFixtures, JOPLIN, walk, ids } from './stac-helpers.ts';
import { startTestServer } from './test-server.ts';
const s = await startTestServer();
const c = new Client(s);
const d = fixtures();
await loadFixtures(c, d);
const base = { type: 'Feature', stac_version: '1.0.0', links: [], assets: {} };
const noGeom = { ...base, id: 'nogeom', collection: JOPLIN, geometry: null, properties: { datetime: '2010-01-01T00:00:00Z' } };
console.log('post nogeom', (await c.write('POST', `/collections/${JOPLIN}/items`, noGeom)).status);
for (const [m, p, b] of [
  ['GET', '/search?ids=nogeom', undefined],
  ['GET', '/search?ids=nogeom&bbox=-180,-90,180,90', undefined],
  ['POST', '/search', { ids: ['nogeom'], intersects: { type: 'Point', coordinates: [0, 0] } }],
  ['POST', '/search', { ids: ['nogeom'], filter: 'S_INTERSECTS(geometry, BBOX(-180,-90,180,90))' }],
  ['POST', '/search', { ids: ['nogeom'], filter: 'S_DISJOINT(geometry, BBOX(0,0,1,1))' }],
  ['POST', '/search', { ids: ['nogeom'], filter: 'geometry IS NULL' }],
  ['POST', '/search', { filter: 'S_INTERSECTS(geometry, BBOX(179,-17,-179,-15))' }],
  ['GET', '/aggregate?aggregations=centroid_geotile_grid_frequency,total_count&ids=nogeom', undefined],
  ['POST', '/search', { filter: { op: 's_intersects', args: [{ property: 'geometry' }, { type: 'Polygon', coordinates: [[[170, -20], [190, -20], [190, -10], [170, -10], [170, -20]]] }] } }],
] as [string, string, unknown][]) {
  const r = await c.request(m, p, { body: b });
  console.log(m, p, JSON.stringify(b) ?? '', r.status, r.body?.features ? ids(r) : r.text.slice(0, 300));
}
// mixed types
await c.write('POST', '/collections', { ...d.collections[JOPLIN], id: 'mixed' });
const ranks: unknown[] = [1, 2.5, 'a', '10', true, false, null, undefined, [1], { x: 1 }, -3, 'B', 0];
const feats = ranks.map((rank, i) => ({ ...base, id: `m${i}`, collection: 'mixed', geometry: { type: 'Point', coordinates: [0, 0] }, properties: { datetime: '2010-01-01T00:00:00Z', ...(rank === undefined ? {} : { rank }) } }));
console.log((await c.write('POST', '/collections/mixed/items', { type: 'FeatureCollection', features: feats })).text);
for (const sortby of ['rank', '-rank']) {
  const first = await c.query('/search', { collections: 'mixed', sortby, limit: 2 });
  const w = await walk(c, first, 'next');
  const back = await walk(c, w.last, 'prev');
  console.log(sortby, w.pages.flat().join(' '), '| back', [...back.pages].reverse().flat().join(' '), new Set(w.pages.flat()).size);
}
const pw = await c.post('/search', { collections: ['mixed'], sortby: [{ field: 'rank', direction: 'desc' }], limit: 3 });
const w2 = await walk(c, pw, 'next');
console.log('post', w2.pages.flat().join(' '));
await s.close();
