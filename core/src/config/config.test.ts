import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadConfig, resolveAdminToken, variables } from './config.ts';

test('defaults give a working embedded configuration', () => {
  const config = loadConfig({});
  assert.equal(config.port, 3000);
  assert.equal(config.host, '127.0.0.1');
  assert.equal(config.catalogBackend, 'sqlite');
  assert.equal(config.stac.defaultLimit, 10);
  assert.equal(config.stac.maxLimit, 10000);
  assert.equal(config.publicUrl, undefined);
});

test('values are parsed into their types', () => {
  const config = loadConfig({ PORT: '8080', PUBLIC_URL: 'https://data.example.org/', STAC_MAX_LIMIT: '500', LOG_LEVEL: 'debug' });
  assert.equal(config.port, 8080);
  assert.equal(config.publicUrl?.href, 'https://data.example.org/');
  assert.equal(config.stac.maxLimit, 500);
  assert.equal(config.logLevel, 'debug');
});

for (const [name, value] of [
  ['PORT', 'abc'], ['PORT', '70000'], ['PUBLIC_URL', 'ftp://x'], ['PUBLIC_URL', 'not a url'], ['LOG_LEVEL', 'loud'],
  ['ADMIN_TOKEN', 'short'], ['CATALOG_BACKEND', 'mysql'], ['STAC_DEFAULT_LIMIT', '0'], ['STAC_MAX_LIMIT', '-5'],
  ['DYNAMODB_ENDPOINT', 'localhost:8000'], ['DYNAMODB_REGION', 'EU West'], ['DYNAMODB_TABLE_PREFIX', 'ab'],
  ['DYNAMODB_TABLE_PREFIX', 'my tables'], ['DYNAMODB_TABLE_PREFIX', 'x'.repeat(201)],
]) {
  test(`an invalid ${name} stops start-up naming the variable`, () => {
    assert.throws(() => loadConfig({ [name]: value }), (error: Error) => error instanceof ConfigError && error.message.startsWith(`${name}=`));
  });
}

test('the metadata store is embedded by default, with dummy credentials', () => {
  const { metadataStore } = loadConfig({});
  assert.deepEqual(metadataStore, { endpoint: undefined, region: 'us-east-1', tablePrefix: 'meridian', credentials: 'local' });
});

test('a DynamoDB endpoint uses the AWS credential chain unless it is a loopback one without credentials', () => {
  const remote = loadConfig({ DYNAMODB_ENDPOINT: 'https://dynamodb.eu-west-1.amazonaws.com', DYNAMODB_REGION: 'eu-west-1', DYNAMODB_TABLE_PREFIX: 'prod.meridian_1' });
  assert.equal(remote.metadataStore.endpoint?.href, 'https://dynamodb.eu-west-1.amazonaws.com/');
  assert.equal(remote.metadataStore.region, 'eu-west-1');
  assert.equal(remote.metadataStore.tablePrefix, 'prod.meridian_1');
  assert.equal(remote.metadataStore.credentials, 'aws');
  assert.equal(loadConfig({ DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000' }).metadataStore.credentials, 'local');
  assert.equal(loadConfig({ DYNAMODB_ENDPOINT: 'http://localhost:8000' }).metadataStore.credentials, 'local');
  assert.equal(loadConfig({ DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000', AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE' }).metadataStore.credentials, 'aws');
  assert.equal(loadConfig({ DYNAMODB_ENDPOINT: 'http://dynamodb:8000' }).metadataStore.credentials, 'aws');
});

test('a default limit above the maximum is refused', () => {
  assert.throws(() => loadConfig({ STAC_DEFAULT_LIMIT: '50', STAC_MAX_LIMIT: '20' }), /STAC_DEFAULT_LIMIT/);
});

test('the admin token is generated once, kept private, and reused', () => {
  const config = loadConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), 'meridian-config-')) });
  const token = resolveAdminToken(config);
  assert.ok(token.length >= 32);
  assert.equal(resolveAdminToken(config), token);
  assert.equal(statSync(join(config.dataDir, 'admin-token')).mode & 0o777, 0o600);
});

test('README documents every environment variable', () => {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  for (const variable of Object.values(variables)) {
    assert.match(readme, new RegExp(`\\|\\s*\`${variable.name}\`\\s*\\|`), `README's configuration table lacks ${variable.name}`);
  }
});
