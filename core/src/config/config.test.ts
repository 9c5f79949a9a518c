import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
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

test('the embedded catalog indexes common STAC queryables unless told which, or none', () => {
  assert.ok(loadConfig({}).catalogIndexedProperties.includes('eo:cloud_cover'));
  assert.deepEqual(loadConfig({ CATALOG_INDEXED_PROPERTIES: ' platform, s2:mgrs_tile ,' }).catalogIndexedProperties, ['platform', 's2:mgrs_tile']);
  assert.deepEqual(loadConfig({ CATALOG_INDEXED_PROPERTIES: 'none' }).catalogIndexedProperties, []);
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
  ['SESSION_TTL_HOURS', '0'], ['SESSION_TTL_HOURS', '1.5'], ['SESSION_TTL_HOURS', '8761'], ['SIGNIN_MAX_ATTEMPTS_PER_EMAIL', '0'],
  ['SIGNIN_MAX_ATTEMPTS_PER_IP', 'many'], ['SIGNIN_WINDOW_MINUTES', '1441'], ['ADMIN_EMAIL', 'root'],
  ['CATALOG_INDEXED_PROPERTIES', 'platform,platform'], ['CATALOG_INDEXED_PROPERTIES', 'bad"name'], ['CATALOG_INDEXED_PROPERTIES', 'datetime'],
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

test('the search-engine catalog: opensearch or elasticsearch need SEARCH_URL, which is never quoted; index settings have defaults', () => {
  const defaults = loadConfig({}).search;
  assert.deepEqual({ ...defaults, url: undefined }, { url: undefined, indexPrefix: 'meridian', layout: 'single', shards: 1, replicas: 1, countLimit: undefined, refresh: true });
  assert.throws(() => loadConfig({ CATALOG_BACKEND: 'opensearch' }), /^Error: SEARCH_URL is required when CATALOG_BACKEND=opensearch/);
  const config = loadConfig({
    CATALOG_BACKEND: 'elasticsearch', SEARCH_URL: 'https://user:pw@search.example.org:9200', SEARCH_INDEX_PREFIX: 'prod_1', SEARCH_INDEX_LAYOUT: 'per-collection',
    SEARCH_SHARDS: '3', SEARCH_REPLICAS: '2', SEARCH_COUNT_LIMIT: '10000', SEARCH_REFRESH: 'wait_for',
  });
  assert.equal(config.catalogBackend, 'elasticsearch');
  assert.equal(config.search.url?.hostname, 'search.example.org');
  assert.deepEqual({ ...config.search, url: undefined }, { url: undefined, indexPrefix: 'prod_1', layout: 'per-collection', shards: 3, replicas: 2, countLimit: 10000, refresh: 'wait_for' });
  for (const [name, value] of [['SEARCH_INDEX_PREFIX', 'Meridian'], ['SEARCH_INDEX_PREFIX', '_x'], ['SEARCH_INDEX_LAYOUT', 'sharded'], ['SEARCH_SHARDS', '0'],
    ['SEARCH_REPLICAS', '17'], ['SEARCH_COUNT_LIMIT', '0'], ['SEARCH_REFRESH', 'false']]) {
    assert.throws(() => loadConfig({ [name]: value }), (error: Error) => error instanceof ConfigError && error.message.startsWith(`${name}=`), `${name}=${value}`);
  }
  assert.throws(() => loadConfig({ SEARCH_URL: 'ftp://user:secret@x' }), (error: Error) => error.message.startsWith('SEARCH_URL is invalid') && !error.message.includes('secret'));
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

test('accounts: sessions last 168 hours, sign-in is limited to 10 per email and 50 per address in 15 minutes, no admin is configured', () => {
  assert.deepEqual(loadConfig({}).accounts, {
    sessionTtlHours: 168, signInLimit: { perEmail: 10, perIp: 50, windowMinutes: 15 }, firstAdmin: undefined,
  });
  const tuned = loadConfig({ SESSION_TTL_HOURS: '2', SIGNIN_MAX_ATTEMPTS_PER_EMAIL: '3', SIGNIN_MAX_ATTEMPTS_PER_IP: '7', SIGNIN_WINDOW_MINUTES: '1' });
  assert.deepEqual(tuned.accounts.signInLimit, { perEmail: 3, perIp: 7, windowMinutes: 1 });
  assert.equal(tuned.accounts.sessionTtlHours, 2);
});

test('the first admin comes from ADMIN_EMAIL with ADMIN_PASSWORD or ADMIN_PASSWORD_FILE', () => {
  assert.deepEqual(loadConfig({ ADMIN_EMAIL: ' root@example.org ', ADMIN_PASSWORD: 'twelve chars!' }).accounts.firstAdmin,
    { id: 'admin', email: 'root@example.org', password: 'twelve chars!' });
  const file = join(mkdtempSync(join(tmpdir(), 'meridian-config-')), 'admin-password');
  writeFileSync(file, 'from a file, twelve+\n');
  assert.deepEqual(loadConfig({ ADMIN_EMAIL: 'root@example.org', ADMIN_PASSWORD_FILE: file, ADMIN_ID: 'root' }).accounts.firstAdmin,
    { id: 'root', email: 'root@example.org', password: 'from a file, twelve+' });
});

test('a bad first-admin configuration stops start-up without ever quoting the password', () => {
  const refuses = (env: Record<string, string>, pattern: RegExp) => assert.throws(() => loadConfig(env), (error: Error) => {
    assert.ok(error instanceof ConfigError);
    assert.match(error.message, pattern);
    for (const value of [env.ADMIN_PASSWORD]) if (value) assert.ok(!error.message.includes(value), error.message);
    return true;
  });
  refuses({ ADMIN_EMAIL: 'root@example.org', ADMIN_PASSWORD: 'short-pw' }, /^ADMIN_PASSWORD is invalid: expected a password of 12 to 1024 characters/);
  refuses({ ADMIN_EMAIL: 'root@example.org' }, /ADMIN_PASSWORD or ADMIN_PASSWORD_FILE is required when ADMIN_EMAIL is set/);
  refuses({ ADMIN_PASSWORD: 'long enough password' }, /^ADMIN_EMAIL is required/);
  refuses({ ADMIN_EMAIL: 'root@example.org', ADMIN_PASSWORD: 'long enough password', ADMIN_PASSWORD_FILE: '/x' }, /both set/);
  refuses({ ADMIN_EMAIL: 'root@example.org', ADMIN_PASSWORD_FILE: '/nonexistent/admin-password' }, /^ADMIN_PASSWORD_FILE="\/nonexistent\/admin-password" is invalid: cannot read it \(ENOENT\)/);
  const file = join(mkdtempSync(join(tmpdir(), 'meridian-config-')), 'short');
  writeFileSync(file, 'secret-ish\n');
  assert.throws(() => loadConfig({ ADMIN_EMAIL: 'root@example.org', ADMIN_PASSWORD_FILE: file }), (error: Error) =>
    /ADMIN_PASSWORD_FILE=.* is invalid: expected a file holding a password of 12 to 1024 characters/.test(error.message) && !error.message.includes('secret-ish'));
  refuses({ ADMIN_EMAIL: 'root@example.org', ADMIN_PASSWORD: 'long enough password', ADMIN_ID: 'Root!' }, /^ADMIN_ID="Root!" is invalid/);
});

test('README documents every environment variable', () => {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  for (const variable of Object.values(variables)) {
    assert.match(readme, new RegExp(`\\|\\s*\`${variable.name}\`\\s*\\|`), `README's configuration table lacks ${variable.name}`);
  }
});
