// `npm run load` against a running API: catalogs followed through their links,
// NDJSON read line by line, problems reported with their source and exit code 1.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from '../../api/test/test-server.ts';

const cli = new URL('../src/load/load-cli.ts', import.meta.url).pathname;
const fixtures = new URL('./fixtures/', import.meta.url).pathname;

function load(server: TestServer, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args, '--url', server.url, '--token', server.adminToken], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

let server: TestServer;
before(async () => { server = await startTestServer(); });
after(async () => { await server.close(); });

test('a catalog directory is loaded through its child and item links', async () => {
  const result = await load(server, join(fixtures, 'example-catalog'));
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /loaded 4 items and 1 collections; 0 problems/);
  const page = await (await fetch(`${server.stac}/collections/landsat-8-l1/items`)).json() as { features: { id: string }[] };
  assert.deepEqual(page.features.map((f) => f.id).sort(), ['LC80140332018166LGN00', 'LC80150322018141LGN00', 'LC80150332018189LGN00', 'LC80300332018166LGN00']);
});

test('loading twice replaces rather than duplicates', async () => {
  const result = await load(server, join(fixtures, 'example-catalog', 'catalog.json'));
  assert.equal(result.code, 0, result.stderr);
  const page = await (await fetch(`${server.stac}/search?collections=landsat-8-l1`)).json() as { numberMatched: number };
  assert.equal(page.numberMatched, 4);
});

test('NDJSON items without a collection take --collection', async () => {
  const result = await load(server, join(fixtures, 'items.ndjson'), '--collection', 'landsat-8-l1');
  assert.equal(result.code, 0, result.stderr);
  const page = await (await fetch(`${server.stac}/search?ids=dataset`)).json() as { features: { collection: string }[] };
  assert.equal(page.features[0]?.collection, 'landsat-8-l1');
});

test('bad input is reported with its source and a failing exit code, good items still load', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'meridian-load-'));
  const good = { type: 'Feature', stac_version: '1.0.0', id: 'good-one', collection: 'landsat-8-l1', geometry: null, properties: { datetime: '2020-01-01T00:00:00Z' }, links: [], assets: {} };
  writeFileSync(join(dir, 'batch.ndjson'), [JSON.stringify(good), '{not json', JSON.stringify({ ...good, id: 'no-time', properties: {} })].join('\n'));
  const result = await load(server, join(dir, 'batch.ndjson'));
  assert.equal(result.code, 1);
  assert.match(result.stderr, /batch\.ndjson:2: not JSON/);
  assert.match(result.stderr, /batch\.ndjson:3: .*datetime/);
  const page = await (await fetch(`${server.stac}/search?ids=good-one`)).json() as { numberMatched: number };
  assert.equal(page.numberMatched, 1);
});

test('a wrong token is refused with a clear message', async () => {
  const child = spawn(process.execPath, [cli, join(fixtures, 'items.ndjson'), '--collection', 'landsat-8-l1', '--url', server.url, '--token', 'wrong-token-wrong-token-wrong'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  const code = await new Promise((resolve) => child.on('exit', resolve));
  assert.equal(code, 2);
  assert.match(stderr, /refused the admin token/);
});
