// Offline STAC validation with stac-node-validator: the official 1.1.0 examples
// pass against the vendored schemas; invalid documents give messages with JSON
// pointers; an extension whose schema is not in the cache is a problem, not a
// download — and no validation makes any network request at all.
import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { loadConfig } from '@meridian/core/config/config';
import { readingOptions } from '../src/reading-options.ts';
import { createStacValidator, DEFAULT_SCHEMA_DIR } from '../src/validate/stac-validator.ts';

const examples = new URL('./fixtures/stac-examples-1.1.0/', import.meta.url).pathname;
const read = (path: string) => JSON.parse(readFileSync(join(examples, path), 'utf8')) as Record<string, unknown>;

// Every way this process could reach the network, recorded (and refused) while the tests run.
const attempts: string[] = [];
const originals = { fetch: globalThis.fetch, httpRequest: http.request, httpGet: http.get, httpsRequest: https.request, httpsGet: https.get };
before(() => {
  const refuse = (what: string) => (...args: unknown[]) => {
    attempts.push(`${what} ${String(args[0])}`);
    throw new Error('network access in a validation test');
  };
  globalThis.fetch = refuse('fetch') as typeof fetch;
  Object.assign(http, { request: refuse('http.request'), get: refuse('http.get') });
  Object.assign(https, { request: refuse('https.request'), get: refuse('https.get') });
});
after(() => {
  globalThis.fetch = originals.fetch;
  Object.assign(http, { request: originals.httpRequest, get: originals.httpGet });
  Object.assign(https, { request: originals.httpsRequest, get: originals.httpsGet });
  assert.deepEqual(attempts, [], 'validation tried to reach the network');
});

const validator = createStacValidator();

test('the schema cache in the repository is the default', () => {
  assert.equal(validator.schemaDir, DEFAULT_SCHEMA_DIR.replace(/\/$/, ''));
  assert.ok(readdirSync(join(DEFAULT_SCHEMA_DIR, 'schemas.stacspec.org')).includes('v1.1.0'));
});

test('STAC_SCHEMA_DIR and INDEXER_MAX_READ_BYTES reach the readers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'meridian-schema-dir-'));
  const options = readingOptions(loadConfig({ STAC_SCHEMA_DIR: dir, INDEXER_MAX_READ_BYTES: '2048' }));
  assert.equal(options.validator.schemaDir, dir);
  assert.equal(options.readCap, 2048);
  assert.equal(readingOptions(loadConfig({})).readCap, 10 * 1024 * 1024);
  assert.throws(() => loadConfig({ INDEXER_MAX_READ_BYTES: '12' }), /INDEXER_MAX_READ_BYTES="12" is invalid: expected a number of bytes from 1024/);
});

test('the official STAC 1.1.0 examples are valid, extensions included', async () => {
  const paths = ['catalog.json', 'collection.json', 'core-item.json', 'extended-item.json', 'simple-item.json', 'collectionless-item.json', 'extensions-collection/collection.json', 'extensions-collection/proj-example/proj-example.json', 'collection-only/collection.json'];
  const results = await validator.validate(paths.map((path) => ({ path, document: read(path) })));
  assert.deepEqual(results.map((r) => r.path), paths);
  for (const result of results) assert.deepEqual(result, { path: result.path, valid: true, problems: [] });
});

test('an invalid document: each problem with its message and JSON pointer; results keep their order', async () => {
  const item = read('core-item.json');
  const results = await validator.validate([
    { path: 'bad-id.json', document: { ...item, id: 42 } },
    { path: 'good.json', document: item },
    { path: 'bad-bbox.json', document: { ...item, bbox: [1, 2, 3] } },
    { path: 'no-type.json', document: { ...item, type: 'Thing' } },
  ]);
  assert.deepEqual(results[0], { path: 'bad-id.json', valid: false, problems: [{ message: 'must be string (type: string)', pointer: '/id', schema: 'core' }] });
  assert.equal(results[1].valid, true);
  assert.equal(results[2].valid, false);
  assert.ok(results[2].problems.some((p) => p.pointer === '/bbox'), JSON.stringify(results[2].problems));
  assert.deepEqual(results[3].problems.map((p) => p.pointer), ['/type']);
});

test('a proj:code of the wrong type fails the projection extension schema', async () => {
  const item = read('extended-item.json');
  const [result] = await validator.validate([{ path: 'x.json', document: { ...item, properties: { ...(item.properties as object), 'proj:code': 32659 } } }]);
  assert.equal(result.valid, false);
  assert.ok(result.problems.some((p) => p.pointer === '/properties/proj:code' && p.schema.includes('projection')), JSON.stringify(result.problems));
});

test('an extension not in the cache is "schema not available offline", never fetched', async () => {
  const item = read('simple-item.json');
  const unknown = 'https://stac-extensions.github.io/nonexistent/v1.0.0/schema.json';
  const elsewhere = 'https://schemas.example.org/ext/v1/schema.json';
  const escape = 'https://../../../../etc/passwd';
  const [result] = await validator.validate([{ path: 'item.json', document: { ...item, stac_extensions: [unknown, elsewhere, escape] } }]);
  assert.equal(result.valid, false);
  assert.deepEqual(result.problems.map((p) => p.message), [unknown, elsewhere, escape].map((url) => `schema not available offline: ${url}`));
});

test('an empty schema directory: even the core schema is reported missing, offline', async () => {
  const empty = createStacValidator({ schemaDir: mkdtempSync(join(tmpdir(), 'meridian-schemas-')) });
  const [result] = await empty.validate([{ path: 'item.json', document: read('simple-item.json') }]);
  assert.equal(result.valid, false);
  assert.deepEqual(result.problems[0], { message: 'schema not available offline: https://schemas.stacspec.org/v1.1.0/item-spec/json-schema/item.json', pointer: '', schema: 'core' });
});

test('documents the validator cannot check are not valid, and say why', async () => {
  const results = await validator.validate([
    { path: 'old.json', document: { ...read('simple-item.json'), stac_version: '0.9.0' } },
    { path: 'none.json', document: { type: 'Feature', id: 'x' } },
  ]);
  assert.equal(results[0].valid, false);
  assert.match(results[0].problems[0].message, /not validated: Can only validate STAC version >= 1.0.0-rc.1/);
  assert.match(results[1].problems[0].message, /No STAC version/);
});
