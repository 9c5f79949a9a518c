// Listings through the data proxy over real HTTP: S3 ListObjectsV2 (and V1) of
// an account and of a repository inside it, the JSON files listing of the
// management API, each paged to the end and compared with the whole list.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { defaultConnectionRoot, ensureDefaultDataConnection } from '@meridian/core/data-connections/default-connection';
import { assertStatus, Browser, type Json } from './http-client.ts';
import { parseXml, putFile, raw, type RawReply } from './data-proxy-helpers.ts';
import { startTestServer, type TestServer } from './test-server.ts';

const ACCOUNT = 'lena';
let server: TestServer;
let owner: Browser;
let anonymous: Browser;

/** Every file, by repository, as keys inside it. */
const FILES: Record<string, string[]> = {
  alpha: [
    'a.txt', 'b/c.txt', 'dir-2/z.bin', 'space name.txt', 'plus+sign&amp.txt', 'é-accent.txt', '日本/地図.tif', 'zz/deep/q.json',
    ...Array.from({ length: 23 }, (_, i) => `dir/x${String(i).padStart(2, '0')}.tif`),
    ...Array.from({ length: 5 }, (_, i) => `dir/sub/y${i}.parquet`),
  ],
  'alpha-b': ['one.txt', 'two/three.txt'],
  beta: ['unlisted.txt'],
  gamma: ['restricted.txt'],
  'empty-one': [],
};
const VISIBILITY: Record<string, string> = { alpha: 'public', 'alpha-b': 'public', beta: 'unlisted', gamma: 'restricted', 'empty-one': 'public' };

/** S3's key order: UTF-8 bytes. */
const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
const keysOf = (repository: string) => FILES[repository].map((k) => `${repository}/${k}`).sort(byteOrder);

before(async () => {
  server = await startTestServer({ ADMIN_EMAIL: 'root@example.org', ADMIN_PASSWORD: 'the admin password' });
  await ensureDefaultDataConnection({ store: server.metadata, clock: Date.now }, server.dataDir);
  owner = await new Browser(server.url).as(ACCOUNT);
  anonymous = new Browser(server.url);
  for (const [id, files] of Object.entries(FILES)) {
    assertStatus(await owner.post(`/api/v1/accounts/${ACCOUNT}/repositories`, { id, title: id, dataConnectionId: 'local', visibility: VISIBILITY[id], state: 'published' }), 201);
    for (const key of files) putFile(defaultConnectionRoot(server.dataDir), `${ACCOUNT}/${id}/`, key, `content of ${id}/${key}`);
  }
});
after(() => server?.close());

const headersOf = (b: Browser) => ({ ...(b.cookie ? { cookie: b.cookie } : {}), ...(b.bearer ? { authorization: `Bearer ${b.bearer}` } : {}) });

async function listXml(b: Browser, query: Record<string, string>, bucket = ACCOUNT): Promise<{ reply: RawReply; result: Json }> {
  const reply = await raw(server.url, `/data/${bucket}?${new URLSearchParams(query)}`, { headers: headersOf(b) });
  return { reply, result: reply.status === 200 ? parseXml(reply.text).ListBucketResult : undefined };
}

const keys = (result: Json): string[] => (result.Contents ?? []).map((c: Json) => c.Key);
const prefixes = (result: Json): string[] => (result.CommonPrefixes ?? []).map((p: Json) => p.Prefix);

/** Every page of a ListObjectsV2, following NextContinuationToken; keys and common prefixes in the order they came. */
async function allPagesV2(b: Browser, query: Record<string, string>, maxKeys: number): Promise<{ keys: string[]; prefixes: string[]; pages: number }> {
  const found = { keys: [] as string[], prefixes: [] as string[], pages: 0 };
  let token: string | undefined;
  do {
    const { reply, result } = await listXml(b, { 'list-type': '2', ...query, 'max-keys': String(maxKeys), ...(token ? { 'continuation-token': token } : {}) });
    assert.equal(reply.status, 200, reply.text.slice(0, 300));
    const count = keys(result).length + prefixes(result).length;
    assert.equal(Number(result.KeyCount), count, 'KeyCount counts keys and common prefixes');
    assert.ok(count <= maxKeys, `a page of ${count} over max-keys ${maxKeys}`);
    assert.equal(result.MaxKeys, String(maxKeys));
    if (token) assert.equal(result.ContinuationToken, token, 'the token is echoed');
    found.keys.push(...keys(result));
    found.prefixes.push(...prefixes(result));
    token = result.IsTruncated === 'true' ? result.NextContinuationToken : undefined;
    if (result.IsTruncated === 'true') assert.ok(token, 'a truncated page says where to continue');
    assert.ok(++found.pages < 200, 'the listing ends');
  } while (token);
  for (const list of [found.keys, found.prefixes]) {
    assert.deepEqual(list, [...list].sort(byteOrder), 'in UTF-8 byte order');
    assert.equal(new Set(list).size, list.length, 'nothing twice');
  }
  return found;
}

describe('ListObjectsV2 inside a repository (prefix {repository}/)', () => {
  test('paged to the end with any max-keys, it yields the whole list in key order', async () => {
    const expected = keysOf('alpha');
    const whole = await allPagesV2(anonymous, { prefix: 'alpha/' }, 1000);
    assert.equal(whole.pages, 1);
    assert.deepEqual(whole.keys, expected);
    for (const maxKeys of [1, 2, 7]) {
      const paged = await allPagesV2(anonymous, { prefix: 'alpha/' }, maxKeys);
      assert.deepEqual(paged.keys, expected, `max-keys ${maxKeys}`);
      assert.equal(paged.pages, Math.ceil(expected.length / maxKeys));
    }
  });

  test('Contents carry size, ETag, LastModified and storage class', async () => {
    const { result } = await listXml(anonymous, { 'list-type': '2', prefix: 'alpha/a.txt' });
    assert.equal(result.Contents.length, 1);
    const [entry] = result.Contents;
    assert.equal(entry.Key, 'alpha/a.txt');
    assert.equal(entry.Size, String('content of alpha/a.txt'.length));
    assert.match(entry.ETag, /^"[^"]+"$/);
    assert.ok(!Number.isNaN(Date.parse(entry.LastModified)));
    assert.equal(entry.StorageClass, 'STANDARD');
    const head = await raw(server.url, `/data/${ACCOUNT}/alpha/a.txt`, { method: 'HEAD' });
    assert.equal(head.headers.etag, entry.ETag, 'the listing and the download agree on the ETag');
  });

  test('with delimiter /: folders become common prefixes, merged with the files for paging', async () => {
    const whole = await allPagesV2(anonymous, { prefix: 'alpha/', delimiter: '/' }, 1000);
    assert.deepEqual(whole.keys, ['alpha/a.txt', 'alpha/plus+sign&amp.txt', 'alpha/space name.txt', 'alpha/é-accent.txt']);
    assert.deepEqual(whole.prefixes, ['alpha/b/', 'alpha/dir-2/', 'alpha/dir/', 'alpha/zz/', 'alpha/日本/']);
    for (const maxKeys of [1, 3]) {
      const paged = await allPagesV2(anonymous, { prefix: 'alpha/', delimiter: '/' }, maxKeys);
      assert.deepEqual(paged, { ...whole, pages: paged.pages }, `max-keys ${maxKeys}`);
      assert.equal(paged.pages, Math.ceil((whole.keys.length + whole.prefixes.length) / maxKeys));
    }
    const inner = await allPagesV2(anonymous, { prefix: 'alpha/dir/', delimiter: '/' }, 4);
    assert.deepEqual(inner.prefixes, ['alpha/dir/sub/']);
    assert.equal(inner.keys.length, 23);
    // Any delimiter works inside a repository.
    const dashed = await allPagesV2(anonymous, { prefix: 'alpha/dir', delimiter: '-' }, 1000);
    assert.deepEqual(dashed.prefixes, ['alpha/dir-']);
  });

  test('start-after, echoed, lists only later keys', async () => {
    const { result } = await listXml(anonymous, { 'list-type': '2', prefix: 'alpha/', 'start-after': 'alpha/dir/x20.tif' });
    assert.equal(result.StartAfter, 'alpha/dir/x20.tif');
    assert.deepEqual(keys(result), keysOf('alpha').filter((k) => byteOrder(k, 'alpha/dir/x20.tif') > 0));
    const past = await listXml(anonymous, { 'list-type': '2', prefix: 'alpha/', 'start-after': 'alpha/zzzz' });
    assert.deepEqual(keys(past.result), keysOf('alpha').filter((k) => byteOrder(k, 'alpha/zzzz') > 0));
  });

  test('encoding-type=url percent-encodes keys and prefixes (what botocore asks for)', async () => {
    const { result } = await listXml(anonymous, { 'list-type': '2', prefix: 'alpha/', delimiter: '/', 'encoding-type': 'url' });
    assert.equal(result.EncodingType, 'url');
    assert.ok(keys(result).includes('alpha/space%20name.txt'));
    assert.ok(keys(result).includes('alpha/plus%2Bsign%26amp.txt'));
    assert.ok(prefixes(result).includes('alpha/%E6%97%A5%E6%9C%AC/'));
    assert.deepEqual(keys(result).map(decodeURIComponent), ['alpha/a.txt', 'alpha/plus+sign&amp.txt', 'alpha/space name.txt', 'alpha/é-accent.txt']);
  });

  test('an unlisted repository lists for anyone by its name; a restricted one lists as empty as a missing one', async () => {
    assert.deepEqual((await allPagesV2(anonymous, { prefix: 'beta/' }, 10)).keys, keysOf('beta'));
    const hidden = await listXml(anonymous, { 'list-type': '2', prefix: 'gamma/' });
    const missing = await listXml(anonymous, { 'list-type': '2', prefix: 'nope/' });
    assert.equal(hidden.result.KeyCount, '0');
    assert.deepEqual({ ...hidden.result, Prefix: '' }, { ...missing.result, Prefix: '' });
    assert.deepEqual((await allPagesV2(owner, { prefix: 'gamma/' }, 10)).keys, keysOf('gamma'));
  });
});

describe('ListObjectsV2 of an account (the bucket)', () => {
  test('with delimiter /, one common prefix per repository the caller may list, empty ones included', async () => {
    const visible = await allPagesV2(anonymous, { delimiter: '/' }, 1000);
    assert.deepEqual(visible.prefixes, ['alpha-b/', 'alpha/', 'empty-one/']);
    assert.deepEqual(visible.keys, []);
    const all = await allPagesV2(owner, { delimiter: '/' }, 1000);
    assert.deepEqual(all.prefixes, ['alpha-b/', 'alpha/', 'beta/', 'empty-one/', 'gamma/']);
    assert.deepEqual((await allPagesV2(owner, { delimiter: '/' }, 2)).prefixes, all.prefixes, 'paged by two');
    assert.deepEqual((await allPagesV2(owner, { delimiter: '/', prefix: 'al' }, 1)).prefixes, ['alpha-b/', 'alpha/']);
    assert.deepEqual((await allPagesV2(owner, { delimiter: '/', 'start-after': 'alpha/' }, 1000)).prefixes, ['beta/', 'empty-one/', 'gamma/']);
  });

  test('without a delimiter, every key of every listable repository, in key order through every page', async () => {
    const expected = ['alpha-b', 'alpha', 'empty-one'].flatMap(keysOf);
    assert.deepEqual(expected, [...expected].sort(byteOrder));
    assert.deepEqual((await allPagesV2(anonymous, {}, 1000)).keys, expected);
    for (const maxKeys of [1, 4, 31]) assert.deepEqual((await allPagesV2(anonymous, {}, maxKeys)).keys, expected, `max-keys ${maxKeys}`);
    const everything = Object.keys(FILES).flatMap(keysOf).sort(byteOrder);
    assert.deepEqual((await allPagesV2(owner, {}, 5)).keys, everything);
    assert.deepEqual((await allPagesV2(owner, { 'start-after': 'alpha/zz' }, 3)).keys, everything.filter((k) => byteOrder(k, 'alpha/zz') > 0));
  });

  test('bad arguments are InvalidArgument; max-keys 0 is an empty page; above 1000 is 1000', async () => {
    for (const query of [{ 'max-keys': 'ten' }, { 'max-keys': '-1' }, { 'encoding-type': 'base64' }, { 'continuation-token': 'not-a-token' }, { delimiter: '-' }, { prefix: 'alpha/../' }] as Record<string, string>[]) {
      const { reply } = await listXml(anonymous, { 'list-type': '2', ...query });
      assert.equal(reply.status, 400, JSON.stringify(query));
      assert.equal(parseXml(reply.text).Error.Code, 'InvalidArgument', JSON.stringify(query));
    }
    const zero = await listXml(anonymous, { 'list-type': '2', 'max-keys': '0' });
    assert.equal(zero.result.KeyCount, '0');
    assert.equal(zero.result.IsTruncated, 'false');
    assert.equal((await listXml(anonymous, { 'list-type': '2', 'max-keys': '5000' })).result.MaxKeys, '1000');
  });

  test('a missing account is NoSuchBucket; HEAD of a bucket is 200 or 404; sub-resources we lack are NotImplemented', async () => {
    const missing = await listXml(anonymous, { 'list-type': '2' }, 'no-such-account');
    assert.equal(missing.reply.status, 404);
    assert.equal(parseXml(missing.reply.text).Error.Code, 'NoSuchBucket');
    assert.equal((await raw(server.url, '/data/BAD_NAME?list-type=2')).status, 404);
    assert.equal((await raw(server.url, `/data/${ACCOUNT}`, { method: 'HEAD' })).status, 200);
    const head = await raw(server.url, '/data/no-such-account', { method: 'HEAD' });
    assert.equal(head.status, 404);
    assert.equal(head.body.length, 0);
    const acl = await raw(server.url, `/data/${ACCOUNT}?acl`);
    assert.equal(acl.status, 501);
    assert.equal(parseXml(acl.text).Error.Code, 'NotImplemented');
    const location = await raw(server.url, `/data/${ACCOUNT}?location`);
    assert.equal(location.status, 200);
    assert.match(location.text, /<LocationConstraint xmlns="http:\/\/s3\.amazonaws\.com\/doc\/2006-03-01\/"><\/LocationConstraint>/);
  });

  test('ListBuckets: nothing for anonymous callers, the caller\'s own account when signed in', async () => {
    const none = parseXml((await raw(server.url, '/data/')).text).ListAllMyBucketsResult;
    assert.equal(none.Buckets, '');
    const mine = parseXml((await raw(server.url, '/data/', { headers: headersOf(owner) })).text).ListAllMyBucketsResult;
    assert.deepEqual(mine.Buckets.Bucket.map((b: Json) => b.Name), [ACCOUNT]);
    assert.equal(mine.Owner.ID, ACCOUNT);
  });
});

describe('ListObjects V1 (marker paging, as GDAL\'s /vsis3/ lists)', () => {
  async function allPagesV1(query: Record<string, string>, maxKeys: number): Promise<{ keys: string[]; prefixes: string[] }> {
    const found = { keys: [] as string[], prefixes: [] as string[] };
    let marker: string | undefined;
    for (let pages = 0; ; pages++) {
      assert.ok(pages < 200, 'the listing ends');
      const { reply, result } = await listXml(owner, { ...query, 'max-keys': String(maxKeys), ...(marker ? { marker } : {}) });
      assert.equal(reply.status, 200, reply.text);
      assert.equal(result.Marker, marker ?? '');
      found.keys.push(...keys(result));
      found.prefixes.push(...prefixes(result));
      if (result.IsTruncated !== 'true') return found;
      marker = result.NextMarker ?? keys(result).at(-1);
      if (query.delimiter) assert.ok(result.NextMarker, 'with a delimiter, a truncated page has NextMarker');
    }
  }

  test('paged by marker to the end it equals ListObjectsV2, with and without a delimiter', async () => {
    for (const query of [{ prefix: 'alpha/' }, { prefix: 'alpha/', delimiter: '/' }, { delimiter: '/' }, {}] as Record<string, string>[]) {
      const v2 = await allPagesV2(owner, query, 1000);
      for (const maxKeys of [1, 3, 1000]) {
        const v1 = await allPagesV1(query, maxKeys);
        assert.deepEqual(v1, { keys: v2.keys, prefixes: v2.prefixes }, `${JSON.stringify(query)} by ${maxKeys}`);
      }
    }
  });
});

describe('the JSON files listing (GET /api/v1/repositories/{account}/{repository}/files)', () => {
  async function allFiles(b: Browser, repository: string, query: string, limit: number): Promise<{ keys: string[]; directories: string[]; files: Json[] }> {
    const found = { keys: [] as string[], directories: [] as string[], files: [] as Json[] };
    let cursor: string | undefined;
    for (let pages = 0; ; pages++) {
      assert.ok(pages < 200, 'the listing ends');
      const reply = await b.get(`/api/v1/repositories/${ACCOUNT}/${repository}/files?limit=${limit}${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      assertStatus(reply, 200);
      assert.ok(reply.body.files.length + reply.body.directories.length <= limit);
      found.files.push(...reply.body.files);
      found.keys.push(...reply.body.files.map((f: Json) => f.key));
      found.directories.push(...reply.body.directories);
      cursor = reply.body.next;
      if (!cursor) return found;
    }
  }

  test('paged to the end with any limit, it equals the whole list; with a delimiter, directories', async () => {
    const expected = FILES.alpha.slice().sort(byteOrder);
    const whole = await allFiles(anonymous, 'alpha', '', 100);
    assert.deepEqual(whole.keys, expected);
    for (const limit of [1, 6]) assert.deepEqual((await allFiles(anonymous, 'alpha', '', limit)).keys, expected, `limit ${limit}`);
    const top = await allFiles(anonymous, 'alpha', '&delimiter=/', 2);
    assert.deepEqual(top.directories, ['b/', 'dir-2/', 'dir/', 'zz/', '日本/']);
    assert.deepEqual(top.keys, ['a.txt', 'plus+sign&amp.txt', 'space name.txt', 'é-accent.txt']);
    const sub = await allFiles(anonymous, 'alpha', `&prefix=${encodeURIComponent('dir/sub/')}`, 100);
    assert.deepEqual(sub.keys, FILES.alpha.filter((k) => k.startsWith('dir/sub/')));
  });

  test('each file has its size, ETag, type and a download URL that serves it', async () => {
    const { files } = await allFiles(anonymous, 'alpha', '', 100);
    const file = files.find((f) => f.key === '日本/地図.tif');
    assert.equal(file.contentType, 'image/tiff; application=geotiff');
    assert.equal(file.size, Buffer.byteLength('content of alpha/日本/地図.tif'));
    const download = await fetch(file.href);
    assert.equal(download.status, 200);
    assert.equal(await download.text(), 'content of alpha/日本/地図.tif');
    assert.equal(download.headers.get('etag'), file.etag);
  });

  test('a hidden repository is 404 exactly as a missing one; bad input is 400', async () => {
    const hidden = await anonymous.get(`/api/v1/repositories/${ACCOUNT}/gamma/files`);
    assertStatus(hidden, 404);
    assert.deepEqual(hidden.body, { code: 'NotFound', description: `repository ${ACCOUNT}/gamma not found` });
    const missing = await anonymous.get(`/api/v1/repositories/${ACCOUNT}/gammb/files`);
    assert.deepEqual(missing.body, { code: 'NotFound', description: `repository ${ACCOUNT}/gammb not found` });
    assertStatus(await anonymous.get(`/api/v1/repositories/${ACCOUNT}/alpha/files?cursor=garbage`), 400);
    assertStatus(await anonymous.get(`/api/v1/repositories/${ACCOUNT}/alpha/files?limit=0`), 400, /limit/);
    assertStatus(await anonymous.get(`/api/v1/repositories/${ACCOUNT}/alpha/files?prefix=a&prefix=b`), 400, /prefix/);
  });
});
