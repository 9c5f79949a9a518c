// The data proxy over a repository whose bytes live in S3 (moto's S3 server on
// loopback, a data connection with sealed credentials made through the
// management API): the same downloads, ranges, validators and listings as from
// the filesystem, and the type an object was stored with.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { closeS3Clients } from '@meridian/core/object-store/repository-store';
import { serviceSuite } from '@meridian/core/testing/loopback-server';
import { motoMissing, startMotoS3, type MotoS3 } from '@meridian/core/testing/moto-s3';
import { assertStatus, Browser } from './http-client.ts';
import { parseXml, raw } from './data-proxy-helpers.ts';
import { startTestServer, type TestServer } from './test-server.ts';

const ADMIN = { email: 'root@example.org', password: 'the admin password' };
const CREDENTIALS = { accessKeyId: 'proxy-test', secretAccessKey: 'proxy-test-secret' };
const BUCKET = 'meridian-proxy';
const ACCOUNT = 'sea-lab';

serviceSuite('data proxy over an S3 data connection (moto)', await motoMissing(), () => {
  let moto: MotoS3;
  let server: TestServer;
  let s3: S3Client;
  const content = randomBytes(300_000);
  const put = (key: string, body: Buffer | string, contentType?: string) =>
    s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body, ...(contentType ? { ContentType: contentType } : {}) }));
  const get = (key: string, headers: Record<string, string> = {}, method = 'GET') => raw(server.url, `/data/${ACCOUNT}/${key}`, { method, headers });

  before(async () => {
    moto = await startMotoS3();
    s3 = new S3Client({ endpoint: moto.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { ...CREDENTIALS } });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    server = await startTestServer({ ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password });
    const admin = new Browser(server.url);
    assertStatus(await admin.signIn(ADMIN.email, ADMIN.password), 201);
    assertStatus(await admin.post('/api/v1/data-connections', {
      id: 'moto', name: 'moto S3', details: { kind: 's3', bucket: BUCKET, region: 'us-east-1', endpoint: moto.endpoint, accessKeyId: CREDENTIALS.accessKeyId, secretAccessKey: CREDENTIALS.secretAccessKey },
    }), 201);
    const owner = await new Browser(server.url).as(ACCOUNT);
    for (const [id, visibility] of [['buoys', 'public'], ['vault', 'restricted']]) {
      assertStatus(await owner.post(`/api/v1/accounts/${ACCOUNT}/repositories`, { id, title: id, dataConnectionId: 'moto', visibility, state: 'published' }), 201);
    }
    await put(`${ACCOUNT}/buoys/readings.bin`, content);
    await put(`${ACCOUNT}/buoys/table.dat`, 'a,b\n1,2\n', 'text/csv');
    await put(`${ACCOUNT}/buoys/2024/jan.tif`, 'tiff');
    await put(`${ACCOUNT}/vault/secret.txt`, 'hidden');
    // Next to the repository's prefix in the same bucket: never reachable through it.
    await put(`${ACCOUNT}/secret.txt`, 'outside');
  }, { timeout: 90_000 });
  after(async () => {
    await server?.close();
    closeS3Clients();
    s3?.destroy();
    await moto?.process.stop();
  });

  test('the whole object, a range, a suffix longer than it, and 416 past its end', async () => {
    const whole = await get('buoys/readings.bin');
    assert.equal(whole.status, 200);
    assert.deepEqual(whole.body, content);
    assert.equal(whole.headers['content-length'], String(content.length));
    assert.equal(whole.headers['accept-ranges'], 'bytes');
    const part = await get('buoys/readings.bin', { range: 'bytes=1000-1999' });
    assert.equal(part.status, 206);
    assert.equal(part.headers['content-range'], `bytes 1000-1999/${content.length}`);
    assert.deepEqual(part.body, content.subarray(1000, 2000));
    const suffix = await get('buoys/readings.bin', { range: 'bytes=-400000' });
    assert.equal(suffix.status, 206);
    assert.equal(suffix.headers['content-range'], `bytes 0-${content.length - 1}/${content.length}`);
    assert.deepEqual(suffix.body, content);
    const beyond = await get('buoys/readings.bin', { range: `bytes=${content.length}-` });
    assert.equal(beyond.status, 416);
    assert.equal(beyond.headers['content-range'], `bytes */${content.length}`);
  });

  test('S3\'s ETag and Last-Modified drive 304 and If-Range; HEAD matches GET', async () => {
    const head = await get('buoys/readings.bin', {}, 'HEAD');
    const etag = String(head.headers.etag);
    assert.match(etag, /^"[0-9a-f]{32}"$/, 'the MD5 ETag S3 gives a single put');
    assert.equal((await get('buoys/readings.bin', { 'if-none-match': etag })).status, 304);
    assert.equal((await get('buoys/readings.bin', { 'if-modified-since': String(head.headers['last-modified']) })).status, 304);
    assert.equal((await get('buoys/readings.bin', { range: 'bytes=0-9', 'if-range': etag })).status, 206);
    assert.equal((await get('buoys/readings.bin', { range: 'bytes=0-9', 'if-range': '"0000"' })).status, 200);
    assert.equal(head.headers['content-length'], String(content.length));
  });

  test('the type an object was stored with wins over its name; without one, the name decides', async () => {
    assert.equal((await get('buoys/table.dat')).headers['content-type'], 'text/csv');
    assert.equal((await get('buoys/2024/jan.tif')).headers['content-type'], 'image/tiff; application=geotiff');
  });

  test('listings: ListObjectsV2 inside the repository and of the account, and the JSON files listing', async () => {
    const inside = parseXml((await raw(server.url, `/data/${ACCOUNT}?list-type=2&prefix=buoys/&delimiter=/`)).text).ListBucketResult;
    assert.deepEqual(inside.Contents.map((c: { Key: string }) => c.Key), ['buoys/readings.bin', 'buoys/table.dat']);
    assert.deepEqual(inside.CommonPrefixes.map((p: { Prefix: string }) => p.Prefix), ['buoys/2024/']);
    const account = parseXml((await raw(server.url, `/data/${ACCOUNT}?list-type=2`)).text).ListBucketResult;
    assert.deepEqual(account.Contents.map((c: { Key: string }) => c.Key), ['buoys/2024/jan.tif', 'buoys/readings.bin', 'buoys/table.dat']);
    const files = await new Browser(server.url).get(`/api/v1/repositories/${ACCOUNT}/buoys/files?limit=2`);
    assertStatus(files, 200);
    assert.deepEqual(files.body.files.map((f: { key: string }) => f.key), ['2024/jan.tif', 'readings.bin']);
    assert.ok(files.body.next);
  });

  test('a restricted repository reads as missing, and nothing outside the prefix is reachable', async () => {
    const hidden = await get('vault/secret.txt');
    assert.equal(hidden.status, 404);
    assert.equal(parseXml(hidden.text).Error.Code, 'NoSuchKey');
    for (const path of ['buoys/../secret.txt', 'buoys/%2e%2e/secret.txt', 'buoys/..%2fvault%2fsecret.txt']) {
      const reply = await get(path);
      assert.ok([400, 404].includes(reply.status), `${path}: ${reply.status}`);
      assert.ok(!reply.text.includes('outside') && !reply.text.includes('hidden'));
    }
  });
});
