// Downloads through the data proxy over real HTTP, from files on the disk of the
// `local` data connection: validators, conditional requests, ranges, HEAD,
// CORS, S3 error documents, hostile paths, and a client that leaves midway.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rmSync, symlinkSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { defaultConnectionRoot, ensureDefaultDataConnection } from '@meridian/core/data-connections/default-connection';
import { assertStatus, Browser } from './http-client.ts';
import { eventually, openDescriptors, parseXml, putFile, raw, type RawReply } from './data-proxy-helpers.ts';
import { startTestServer, type TestServer } from './test-server.ts';

const ADMIN = { email: 'root@example.org', password: 'the admin password' };
const OWNER = 'dana';
const REPO = 'maps';
const SECRET = 'the secret next door: 7f3c1e';

let server: TestServer;
let root: string;
let owner: Browser;
const content = randomBytes(1000);
const file = (key: string, data: Buffer | string) => putFile(root, `${OWNER}/${REPO}/`, key, data);
const path = (key: string) => `/data/${OWNER}/${REPO}/${key}`;
const get = (key: string, headers: Record<string, string> = {}, method = 'GET') => raw(server.url, path(key), { method, headers });

before(async () => {
  server = await startTestServer({ ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password });
  await ensureDefaultDataConnection({ store: server.metadata, clock: Date.now }, server.dataDir);
  root = defaultConnectionRoot(server.dataDir);
  owner = await new Browser(server.url).as(OWNER);
  for (const [id, visibility] of [[REPO, 'public'], ['vault', 'restricted']]) {
    assertStatus(await owner.post(`/api/v1/accounts/${OWNER}/repositories`, { id, title: id, dataConnectionId: 'local', visibility, state: 'published' }), 201);
  }
  file('scene.bin', content);
  file('empty.dat', Buffer.alloc(0));
  // Secrets beside the repository, above it, and in a restricted sibling: none may be reached through `maps`.
  writeFileSync(join(server.dataDir, 'secret.txt'), SECRET);
  writeFileSync(join(root, 'secret.txt'), SECRET);
  writeFileSync(join(root, OWNER, 'secret.txt'), SECRET);
  putFile(root, `${OWNER}/vault/`, 'secret.txt', SECRET);
  symlinkSync(join(root, OWNER, 'secret.txt'), join(root, OWNER, REPO, 'link.txt'));
});
after(() => server?.close());

/** The S3 error document of a reply: its Code, and the fields every error has. */
function s3Error(reply: RawReply, code: string, status: number): any {
  assert.equal(reply.status, status, `expected ${status} ${code}, got ${reply.status}: ${reply.text.slice(0, 300)}`);
  assert.match(String(reply.headers['content-type']), /^application\/xml/);
  const error = parseXml(reply.text).Error;
  assert.equal(error.Code, code);
  assert.equal(typeof error.Message, 'string');
  assert.equal(typeof error.RequestId, 'string');
  assert.equal(error.RequestId, reply.headers['x-amz-request-id']);
  return error;
}

describe('GET and HEAD of a file', () => {
  test('the whole file, with its validators, type, length and Accept-Ranges', async () => {
    const reply = await get('scene.bin');
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.body, content);
    assert.equal(reply.headers['content-length'], '1000');
    assert.equal(reply.headers['accept-ranges'], 'bytes');
    assert.match(String(reply.headers.etag), /^"[^"]+"$/);
    assert.equal(new Date(String(reply.headers['last-modified'])).toUTCString(), reply.headers['last-modified']);
    assert.equal(reply.headers['content-type'], 'application/octet-stream');
    // Uploaded files are never run as pages of Meridian's origin.
    assert.equal(reply.headers['content-security-policy'], 'sandbox');
    assert.equal(reply.headers['x-content-type-options'], 'nosniff');
  });

  test('Content-Type comes from the key, geospatial formats included', async () => {
    const expected: Record<string, string> = {
      'cog.tif': 'image/tiff; application=geotiff', 'b.TIFF': 'image/tiff; application=geotiff', 'c.parquet': 'application/vnd.apache.parquet',
      'd.geoparquet': 'application/vnd.apache.parquet', 'e.fgb': 'application/vnd.flatgeobuf', 'f.pmtiles': 'application/vnd.pmtiles',
      'g.geojson': 'application/geo+json', 'catalog.json': 'application/json', 'z/.zarray': 'application/json', 'h.copc.laz': 'application/vnd.laszip+copc',
      'i.csv': 'text/csv', 'j.png': 'image/png', 'README': 'application/octet-stream', 'page.html': 'text/html',
    };
    for (const [key, type] of Object.entries(expected)) {
      file(key, 'x');
      const reply = await get(key);
      assert.equal(reply.status, 200, key);
      assert.equal(reply.headers['content-type'], type, key);
    }
  });

  test('HEAD answers exactly what GET does, without the body', async () => {
    const etag = String((await get('scene.bin')).headers.etag);
    const cases: [string, Record<string, string>][] = [
      ['scene.bin', {}], ['scene.bin', { range: 'bytes=10-19' }], ['scene.bin', { range: 'bytes=5000-' }], ['scene.bin', { 'if-none-match': etag }],
      ['scene.bin', { 'if-match': '"other"' }], ['empty.dat', {}], ['missing.bin', {}], ['../secret.txt', {}],
    ];
    const comparable = (reply: RawReply) => {
      const { date: _d, 'x-request-id': _r, 'x-amz-request-id': _a, 'keep-alive': _k, connection: _c, ...rest } = reply.headers;
      return rest;
    };
    for (const [key, headers] of cases) {
      const whole = await get(key, headers);
      const head = await get(key, headers, 'HEAD');
      assert.equal(head.status, whole.status, `${key} ${JSON.stringify(headers)}`);
      assert.deepEqual(comparable(head), comparable(whole), `${key} ${JSON.stringify(headers)}: same headers`);
      assert.equal(head.body.length, 0);
    }
  });

  test('a missing file is NoSuchKey, as an S3 error document naming the resource; HEAD has no body', async () => {
    const error = s3Error(await get('nothing/here.tif'), 'NoSuchKey', 404);
    assert.equal(error.Resource, path('nothing/here.tif'));
    assert.equal(error.Message, 'The specified key does not exist.');
    const head = await get('nothing/here.tif', {}, 'HEAD');
    assert.equal(head.status, 404);
    assert.equal(head.body.length, 0);
    // A repository is not an object.
    s3Error(await raw(server.url, `/data/${OWNER}/${REPO}/`), 'NoSuchKey', 404);
    s3Error(await raw(server.url, `/data/${OWNER}/${REPO}`), 'NoSuchKey', 404);
  });

  test('methods other than GET and HEAD are MethodNotAllowed', async () => {
    const reply = await raw(server.url, path('scene.bin'), { method: 'PATCH' });
    s3Error(reply, 'MethodNotAllowed', 405);
    assert.match(String(reply.headers.allow), /^GET, HEAD\b/);
  });

  test('a zero-length file: 200 with Content-Length 0; any range of it is unsatisfiable', async () => {
    const reply = await get('empty.dat');
    assert.equal(reply.status, 200);
    assert.equal(reply.headers['content-length'], '0');
    assert.equal(reply.body.length, 0);
    for (const range of ['bytes=0-', 'bytes=-10', 'bytes=0-0']) {
      const ranged = await get('empty.dat', { range });
      s3Error(ranged, 'InvalidRange', 416);
      assert.equal(ranged.headers['content-range'], 'bytes */0', range);
    }
  });
});

describe('ranges', () => {
  const expectRange = async (range: string, start: number, end: number) => {
    const reply = await get('scene.bin', { range });
    assert.equal(reply.status, 206, range);
    assert.equal(reply.headers['content-range'], `bytes ${start}-${end}/1000`, range);
    assert.equal(reply.headers['content-length'], String(end - start + 1), range);
    assert.deepEqual(reply.body, content.subarray(start, end + 1), range);
  };

  test('single ranges: closed, open-ended, past the end (clamped), one byte', async () => {
    await expectRange('bytes=0-99', 0, 99);
    await expectRange('bytes=990-', 990, 999);
    await expectRange('bytes=500-5000', 500, 999);
    await expectRange('bytes=999-999', 999, 999);
  });

  test('suffix ranges, and one longer than the file serves all of it', async () => {
    await expectRange('bytes=-10', 990, 999);
    await expectRange('bytes=-1000', 0, 999);
    await expectRange('bytes=-5000', 0, 999);
  });

  test('unsatisfiable: 416 InvalidRange with Content-Range bytes */size', async () => {
    for (const range of ['bytes=1000-', 'bytes=5000-6000', 'bytes=-0']) {
      const reply = await get('scene.bin', { range });
      const error = s3Error(reply, 'InvalidRange', 416);
      assert.equal(reply.headers['content-range'], 'bytes */1000', range);
      assert.equal(error.ActualObjectSize, '1000');
      assert.equal(reply.headers.etag, undefined, 'the error carries no validators of the object');
    }
  });

  test('several ranges get the whole file (200), as from S3; malformed or foreign-unit ranges are ignored', async () => {
    for (const range of ['bytes=0-1,5-6', 'bytes=0-0,-1', 'bytes=abc', 'bytes=-', 'items=0-5']) {
      const reply = await get('scene.bin', { range });
      assert.equal(reply.status, 200, range);
      assert.deepEqual(reply.body, content, range);
      assert.equal(reply.headers['content-range'], undefined);
    }
    // Overlapping ranges that join into one are that one range.
    await expectRange('bytes=0-5,3-9', 0, 9);
  });
});

describe('conditional requests', () => {
  let etag: string;
  let lastModified: string;
  const later = (s: string, seconds: number) => new Date(Date.parse(s) + seconds * 1000).toUTCString();

  before(async () => {
    const reply = await get('scene.bin');
    etag = String(reply.headers.etag);
    lastModified = String(reply.headers['last-modified']);
  });

  test('If-None-Match: a matching tag (strong, weak, or *) is 304 with no body; a stale one gets the file', async () => {
    for (const tag of [etag, `W/${etag}`, `"stale", ${etag}`, '*']) {
      const reply = await get('scene.bin', { 'if-none-match': tag });
      assert.equal(reply.status, 304, tag);
      assert.equal(reply.body.length, 0);
      assert.equal(reply.headers.etag, etag, '304 repeats the validators');
    }
    const stale = await get('scene.bin', { 'if-none-match': '"stale"' });
    assert.equal(stale.status, 200);
    assert.deepEqual(stale.body, content);
  });

  test('If-Modified-Since: not modified since is 304; modified since gets the file; If-None-Match wins over it', async () => {
    assert.equal((await get('scene.bin', { 'if-modified-since': lastModified })).status, 304);
    assert.equal((await get('scene.bin', { 'if-modified-since': later(lastModified, 60) })).status, 304);
    assert.equal((await get('scene.bin', { 'if-modified-since': later(lastModified, -60) })).status, 200);
    assert.equal((await get('scene.bin', { 'if-modified-since': lastModified, 'if-none-match': '"stale"' })).status, 200);
  });

  test('If-Match and If-Unmodified-Since: 412 PreconditionFailed when they do not hold', async () => {
    assert.equal((await get('scene.bin', { 'if-match': etag })).status, 200);
    assert.equal((await get('scene.bin', { 'if-match': '*' })).status, 200);
    s3Error(await get('scene.bin', { 'if-match': '"stale"' }), 'PreconditionFailed', 412);
    s3Error(await get('scene.bin', { 'if-match': `W/${etag}` }), 'PreconditionFailed', 412);
    assert.equal((await get('scene.bin', { 'if-unmodified-since': lastModified })).status, 200);
    const error = s3Error(await get('scene.bin', { 'if-unmodified-since': later(lastModified, -60) }), 'PreconditionFailed', 412);
    assert.equal(error.Condition, 'If-Unmodified-Since');
  });

  test('If-Range: a matching ETag or date keeps the range; a stale or weak one gets the whole file', async () => {
    const ranged = async (ifRange: string) => get('scene.bin', { range: 'bytes=0-9', 'if-range': ifRange });
    for (const validator of [etag, lastModified]) {
      const reply = await ranged(validator);
      assert.equal(reply.status, 206, validator);
      assert.deepEqual(reply.body, content.subarray(0, 10));
    }
    for (const validator of ['"stale"', `W/${etag}`, later(lastModified, -60)]) {
      const reply = await ranged(validator);
      assert.equal(reply.status, 200, validator);
      assert.deepEqual(reply.body, content);
    }
  });

  test('a replaced file has a new ETag: the old validators no longer match', async () => {
    const key = 'changing.txt';
    const first = file(key, 'first version');
    utimesSync(first, new Date('2020-01-01T00:00:00Z'), new Date('2020-01-01T00:00:00Z'));
    const before = await get(key);
    rmSync(first);
    file(key, 'second version!');
    const after = await get(key, { 'if-none-match': String(before.headers.etag) });
    assert.equal(after.status, 200);
    assert.equal(after.text, 'second version!');
    assert.notEqual(after.headers.etag, before.headers.etag);
    assert.equal((await get(key, { range: 'bytes=0-5', 'if-range': String(before.headers.etag) })).status, 200);
  });
});

describe('CORS', () => {
  test('a preflight from any origin may GET with Range and Authorization', async () => {
    const reply = await raw(server.url, path('scene.bin'), {
      method: 'OPTIONS', headers: { origin: 'https://viewer.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'range,authorization' },
    });
    assert.equal(reply.status, 204);
    assert.equal(reply.headers['access-control-allow-origin'], '*');
    assert.match(String(reply.headers['access-control-allow-methods']), /GET/);
    assert.match(String(reply.headers['access-control-allow-headers']), /range/i);
    assert.ok(Number(reply.headers['access-control-max-age']) > 0);
  });

  test('responses expose the headers range readers need, and never allow credentials', async () => {
    for (const headers of [{ range: 'bytes=0-3' }, {}] as Record<string, string>[]) {
      const reply = await get('scene.bin', { origin: 'https://viewer.example', ...headers });
      assert.equal(reply.headers['access-control-allow-origin'], '*');
      const exposed = String(reply.headers['access-control-expose-headers']).split(',').map((h) => h.trim().toLowerCase());
      for (const name of ['etag', 'content-range', 'content-length', 'accept-ranges']) assert.ok(exposed.includes(name), `${name} exposed`);
      assert.equal(reply.headers['access-control-allow-credentials'], undefined);
    }
    const missing = await get('gone.bin', { origin: 'https://viewer.example' });
    assert.equal(missing.status, 404);
    assert.equal(missing.headers['access-control-allow-origin'], '*', 'errors are readable cross-origin too');
  });
});

describe('no path leaves the repository', () => {
  const HOSTILE = [
    '../secret.txt', '../../secret.txt', '../../../secret.txt', '../vault/secret.txt', './../secret.txt',
    '%2e%2e/secret.txt', '%2E%2E/%2E%2E/secret.txt', '.%2e/secret.txt', '..%2fsecret.txt', '%2e%2e%2f%2e%2e%2fsecret.txt', '..%2Fvault%2Fsecret.txt',
    '..%5csecret.txt', '..%5C..%5Csecret.txt', '..\\secret.txt',
    '%252e%252e/secret.txt', '%252e%252e%252fsecret.txt', '..%252fsecret.txt', '%25252e%25252e/secret.txt',
    'secret.txt%00.bin', '%00', '..%00/secret.txt',
    '/secret.txt', '%2fsecret.txt', '/etc/passwd', '%2Fetc%2Fpasswd', '%2Ftmp',
    '%c0%ae%c0%ae/secret.txt', '%e0%80%ae%e0%80%ae/secret.txt', '%ff',
    'link.txt',
  ];

  test('hostile keys are refused (400) or not found (404), and the secret never comes back', async () => {
    for (const key of HOSTILE) {
      for (const method of ['GET', 'HEAD']) {
        const reply = await raw(server.url, path(key), { method });
        assert.ok([400, 404].includes(reply.status), `${method} ${key}: ${reply.status} ${reply.text.slice(0, 200)}`);
        assert.ok(!reply.text.includes(SECRET), `${method} ${key} leaked the secret`);
      }
    }
  });

  test('hostile repository and account segments, and `..` before the repository, reach nothing either', async () => {
    const paths = [
      `/data/${OWNER}/../secret.txt`, `/data/${OWNER}/%2e%2e/secret.txt`, `/data/${OWNER}/${REPO}%2F..%2F..%2Fsecret.txt`, `/data/${OWNER}/${REPO}%2f..%2fvault/secret.txt`,
      `/data/${OWNER}/..%2f${OWNER}/secret.txt`, '/data/../files/secret.txt', '/data/%2e%2e/files/secret.txt', `/data/${OWNER}%2F${REPO}/../secret.txt`,
      `/data/${OWNER}/vault/secret.txt`, `/data/${OWNER}/${REPO}/..;/secret.txt`,
    ];
    for (const p of paths) {
      const reply = await raw(server.url, p);
      assert.ok([400, 404].includes(reply.status), `${p}: ${reply.status} ${reply.text.slice(0, 200)}`);
      assert.ok(!reply.text.includes(SECRET), `${p} leaked the secret`);
    }
  });

  test('the refusal says what was wrong with the key', async () => {
    const error = s3Error(await raw(server.url, path('%2e%2e/secret.txt')), 'InvalidArgument', 400);
    assert.match(error.Message, /"\.\." segment/);
    s3Error(await raw(server.url, path('..%5csecret.txt')), 'InvalidArgument', 400);
    // Not UTF-8 once decoded: Express refuses to decode the path at all.
    s3Error(await raw(server.url, path('%ff')), 'InvalidRequest', 400);
  });

  test('hostile listing prefixes are refused, and list nothing outside', async () => {
    for (const prefix of [`${REPO}/../`, `${REPO}/%2e%2e/`, `${REPO}/..%5c`, `${REPO}//`, `${REPO}/%00`]) {
      const reply = await raw(server.url, `/data/${OWNER}?list-type=2&prefix=${encodeURIComponent(decodeURIComponent(prefix))}`);
      assert.equal(reply.status, 400, `${prefix}: ${reply.text.slice(0, 200)}`);
      const files = await owner.get(`/api/v1/repositories/${OWNER}/${REPO}/files?prefix=${encodeURIComponent(decodeURIComponent(prefix))}`);
      assertStatus(files, 400);
    }
  });
});

describe('streaming', () => {
  const SIZE = 64 * 1024 * 1024;
  const bigContent = randomBytes(SIZE);
  let big: string;
  before(() => {
    big = file('big.bin', bigContent);
  });

  test('a client that stops reading holds the server back (backpressure), and one that leaves closes the file', async () => {
    await new Promise<void>((resolve, reject) => {
      const req = request(`${server.url}${path('big.bin')}`, (res) => {
        assert.equal(res.statusCode, 200);
        res.once('data', async () => {
          res.pause();
          try {
            // The server has the file open while the client holds the response.
            await eventually(() => openDescriptors(big).length === 1, 'the server has opened the file');
            // Reading stops once the socket buffers are full: the position settles far below the end.
            let settled = -1;
            await eventually(() => {
              const position = openDescriptors(big)[0]?.position ?? -1;
              const same = position === settled;
              settled = position;
              return same;
            }, 'the read position settles');
            await new Promise((r) => setTimeout(r, 300));
            const position = openDescriptors(big)[0]?.position;
            assert.ok(position !== undefined && position > 0 && position < SIZE / 2, `read ${position} of ${SIZE} bytes while the client was not reading`);
            req.destroy();
            await eventually(() => openDescriptors(big).length === 0, 'the server closed the file after the client left');
            resolve();
          } catch (error) {
            reject(error);
          }
        });
      });
      req.on('error', (error) => ((error as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(error)));
      req.end();
    });
    // And the server is none the worse for it.
    const again = await get('scene.bin');
    assert.equal(again.status, 200);
  });

  test('a whole large file arrives intact', async () => {
    const reply = await fetch(`${server.url}${path('big.bin')}`);
    assert.equal(reply.status, 200);
    const body = Buffer.from(await reply.arrayBuffer());
    assert.ok(body.equals(bigContent), `the ${SIZE} bytes, byte for byte (got ${body.length})`);
    await eventually(() => openDescriptors(big).length === 0, 'the file is closed afterwards');
  });

  test('a file truncated while it is sent: the response is cut short, never complete-looking, and the file is closed', async () => {
    const shrinking = file('shrinking.bin', bigContent);
    const outcome = await new Promise<{ received: number; length: number; error: string }>((resolve, reject) => {
      const req = request(`${server.url}${path('shrinking.bin')}`, (res) => {
        let received = 0;
        res.on('data', (chunk: Buffer) => (received += chunk.length));
        res.once('data', async () => {
          res.pause();
          await eventually(() => openDescriptors(shrinking).length === 1, 'the server has opened the file');
          truncateSync(shrinking, 1024);
          res.resume();
        });
        const cut = (error: Error | string) => resolve({ received, length: Number(res.headers['content-length']), error: String(error) });
        res.on('error', cut);
        res.on('aborted', () => cut('aborted'));
        res.on('end', () => reject(new Error(`the response ended normally after ${received} bytes`)));
      });
      req.on('error', (error) => ((error as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(error)));
      req.end();
    });
    assert.equal(outcome.length, SIZE);
    assert.ok(outcome.received < SIZE, `received ${outcome.received} of ${SIZE} bytes, then ${outcome.error}`);
    await eventually(() => openDescriptors(shrinking).length === 0, 'the server closed the file');
  });
});
