// Peer clients reading through the data proxy: curl, GDAL's /vsicurl/ on a
// Cloud-Optimised GeoTIFF made here with gdal_translate -of COG (its size read
// from the header, a pixel read from the middle, all by HTTP ranges), and the
// AWS CLI listing and copying anonymously with the account as the bucket.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { defaultConnectionRoot, ensureDefaultDataConnection } from '@meridian/core/data-connections/default-connection';
import { serviceSuite } from '@meridian/core/testing/loopback-server';
import { assertStatus, Browser } from './http-client.ts';
import { putFile } from './data-proxy-helpers.ts';
import { startTestServer, type TestServer } from './test-server.ts';

const exec = promisify(execFile);
/** Runs a client; the server lives in this process, so never synchronously. */
const run = async (command: string, args: string[], env: Record<string, string> = {}) =>
  exec(command, args, { maxBuffer: 64 * 1024 * 1024, encoding: 'buffer', env: { ...process.env, ...env } });

async function missingTools(): Promise<string | undefined> {
  for (const [tool, args, install] of [['curl', ['--version'], 'apt-get install curl'], ['gdal_translate', ['--version'], 'apt-get install gdal-bin']] as const) {
    try {
      await run(tool, [...args]);
    } catch {
      return `${tool} is not installed (${install})`;
    }
  }
  return undefined;
}

const ACCOUNT = 'geo-lab';
const REPO = 'rasters';
const SIZE = 1024;

serviceSuite('data proxy: curl and GDAL /vsicurl/', await missingTools(), () => {
  let server: TestServer;
  let cog: Buffer;
  const work = mkdtempSync(join(tmpdir(), 'meridian-proxy-clients-'));
  const url = (key: string) => `${server.url}/data/${ACCOUNT}/${REPO}/${key}`;

  before(async () => {
    server = await startTestServer();
    await ensureDefaultDataConnection({ store: server.metadata, clock: Date.now }, server.dataDir);
    const owner = await new Browser(server.url).as(ACCOUNT);
    assertStatus(await owner.post(`/api/v1/accounts/${ACCOUNT}/repositories`, { id: REPO, title: 'Rasters', dataConnectionId: 'local', visibility: 'public', state: 'published' }), 201);
    // Uncompressed, so the file is large enough that reading its header is visibly not reading all of it.
    await run('gdal_create', ['-q', '-of', 'GTiff', '-outsize', String(SIZE), String(SIZE), '-bands', '1', '-ot', 'Byte', '-burn', '42',
      '-a_srs', 'EPSG:4326', '-a_ullr', '-10', '50', '0', '40', join(work, 'source.tif')]);
    await run('gdal_translate', ['-q', '-of', 'COG', '-co', 'COMPRESS=NONE', '-co', 'BLOCKSIZE=256', join(work, 'source.tif'), join(work, 'cog.tif')]);
    cog = readFileSync(join(work, 'cog.tif'));
    putFile(defaultConnectionRoot(server.dataDir), `${ACCOUNT}/${REPO}/`, 'scenes/cog.tif', cog);
  });
  after(() => server?.close());

  describe('curl', () => {
    test('downloads the whole file intact, a range of it, and its headers', async () => {
      const whole = (await run('curl', ['-sS', '--fail', url('scenes/cog.tif')])).stdout;
      assert.equal(createHash('sha256').update(whole).digest('hex'), createHash('sha256').update(cog).digest('hex'));
      const part = (await run('curl', ['-sS', '--fail', '-r', '100-199', url('scenes/cog.tif')])).stdout;
      assert.deepEqual(part, cog.subarray(100, 200));
      const head = (await run('curl', ['-sS', '--fail', '-I', url('scenes/cog.tif')])).stdout.toString();
      assert.match(head, /^HTTP\/1\.1 200/);
      assert.match(head, new RegExp(`^content-length: ${cog.length}\\r?$`, 'im'));
      assert.match(head, /^content-type: image\/tiff; application=geotiff\r?$/im);
      assert.match(head, /^accept-ranges: bytes\r?$/im);
      const etag = /^etag: (.+?)\r?$/im.exec(head)?.[1];
      const cached = (await run('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code}', '-H', `If-None-Match: ${etag}`, url('scenes/cog.tif')])).stdout.toString();
      assert.equal(cached, '304');
      const missing = await run('curl', ['-sS', '-w', '\n%{http_code}', url('scenes/none.tif')]);
      assert.match(missing.stdout.toString(), /<Code>NoSuchKey<\/Code>[\s\S]*\n404$/);
    });

    test('a refused path stays refused when curl is told not to tidy it', async () => {
      const reply = await run('curl', ['-sS', '--path-as-is', '-w', '\n%{http_code}', `${server.url}/data/${ACCOUNT}/${REPO}/../../../../etc/passwd`]);
      assert.match(reply.stdout.toString(), /\n400$/);
      assert.doesNotMatch(reply.stdout.toString(), /root:/);
    });
  });

  describe('GDAL /vsicurl/', () => {
    const gdalEnv = { CPL_DEBUG: 'ON', GDAL_HTTP_MAX_RETRY: '0', CPL_VSIL_CURL_CHUNK_SIZE: '16384', GDAL_DISABLE_READDIR_ON_OPEN: 'EMPTY_DIR', VSI_CACHE: 'FALSE' };
    /** The byte ranges GDAL's debug output says it downloaded. */
    const downloads = (stderr: string) => [...stderr.matchAll(/VSICURL: Downloading (\d+)-(\d+)/g)].map((m) => [Number(m[1]), Number(m[2])]);

    test('gdalinfo reads the COG\'s size and layout from its header, by ranges, without the whole file', async () => {
      const { stdout, stderr } = await run('gdalinfo', [`/vsicurl/${url('scenes/cog.tif')}`], gdalEnv);
      const info = stdout.toString();
      assert.match(info, new RegExp(`Size is ${SIZE}, ${SIZE}`));
      assert.match(info, /LAYOUT=COG/);
      assert.match(info, /Band 1 Block=256x256 Type=Byte/);
      const ranges = downloads(stderr.toString());
      assert.ok(ranges.length > 0, `GDAL made range requests: ${stderr.toString().slice(0, 500)}`);
      const fetched = ranges.reduce((sum, [start, end]) => sum + end - start + 1, 0);
      assert.ok(fetched < cog.length / 4, `only the header was read: ${fetched} of ${cog.length} bytes`);
    });

    test('gdallocationinfo reads a pixel from the middle of the file by a range request', async () => {
      const { stdout, stderr } = await run('gdallocationinfo', ['-valonly', `/vsicurl/${url('scenes/cog.tif')}`, String(SIZE / 2 + 3), String(SIZE / 2 + 5)], gdalEnv);
      assert.equal(stdout.toString().trim(), '42');
      const middle = downloads(stderr.toString()).filter(([start]) => start > cog.length / 4);
      assert.ok(middle.length > 0, 'a range well past the header was fetched');
      assert.equal(statSync(join(work, 'cog.tif')).size, cog.length);
    });
  });
});

async function awsMissing(): Promise<string | undefined> {
  try {
    await run('aws', ['--version']);
    return undefined;
  } catch {
    return 'the AWS CLI is not installed (pip install awscli)';
  }
}

serviceSuite('data proxy: the AWS CLI, anonymous (--no-sign-request)', await awsMissing(), () => {
  let server: TestServer;
  const aws = async (...args: string[]) => (await run('aws', ['--no-sign-request', '--endpoint-url', `${server.url}/data`, '--region', 'us-east-1', ...args], {
    AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_EC2_METADATA_DISABLED: 'true',
  })).stdout.toString();

  before(async () => {
    server = await startTestServer();
    await ensureDefaultDataConnection({ store: server.metadata, clock: Date.now }, server.dataDir);
    const owner = await new Browser(server.url).as(ACCOUNT);
    for (const [id, visibility] of [[REPO, 'public'], ['hidden', 'restricted']]) {
      assertStatus(await owner.post(`/api/v1/accounts/${ACCOUNT}/repositories`, { id, title: id, dataConnectionId: 'local', visibility, state: 'published' }), 201);
    }
    for (const key of ['a.txt', 'scenes/b c.txt', 'scenes/2024/d+e.txt']) putFile(defaultConnectionRoot(server.dataDir), `${ACCOUNT}/${REPO}/`, key, `bytes of ${key}`);
    putFile(defaultConnectionRoot(server.dataDir), `${ACCOUNT}/hidden/`, 'secret.txt', 'not for anonymous eyes');
  });
  after(() => server?.close());

  test('aws s3 ls lists the account\'s repositories as folders and a repository\'s files, recursively', async () => {
    const top = await aws('s3', 'ls', `s3://${ACCOUNT}/`);
    assert.match(top, new RegExp(`PRE ${REPO}/`));
    assert.doesNotMatch(top, /hidden/);
    const recursive = await aws('s3', 'ls', '--recursive', `s3://${ACCOUNT}/${REPO}/`);
    const listed = recursive.trim().split('\n').map((line) => line.split(/\s+/).slice(3).join(' '));
    assert.deepEqual(listed, [`${REPO}/a.txt`, `${REPO}/scenes/2024/d+e.txt`, `${REPO}/scenes/b c.txt`]);
  });

  test('aws s3 cp and s3api get-object with a range read the bytes', async () => {
    assert.equal(await aws('s3', 'cp', `s3://${ACCOUNT}/${REPO}/scenes/2024/d+e.txt`, '-'), 'bytes of scenes/2024/d+e.txt');
    const out = join(mkdtempSync(join(tmpdir(), 'meridian-aws-')), 'part');
    const meta = JSON.parse(await aws('s3api', 'get-object', '--bucket', ACCOUNT, '--key', `${REPO}/scenes/b c.txt`, '--range', 'bytes=0-4', out));
    assert.equal(meta.ContentRange, `bytes 0-4/${'bytes of scenes/b c.txt'.length}`);
    assert.equal(readFileSync(out, 'utf8'), 'bytes');
    await assert.rejects(aws('s3', 'cp', `s3://${ACCOUNT}/hidden/secret.txt`, '-'), /404|Not Found|NoSuchKey/);
  });
});
