// GDAL (Debian's gdal-bin) reading a Cloud-Optimised GeoTIFF through the data
// proxy: /vsis3/ signing with an API key (the endpoint path-prefix form GDAL
// signs, see sigv4-signature.ts), on a public and a restricted repository, and
// /vsicurl/ on a public one. The COG is made by gdal_translate -of COG and
// uploaded with the AWS SDK. A plain run skips this file with one line when
// GDAL is missing; MERIDIAN_REQUIRE_SERVICES=1 fails instead.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { createApiKey, createRepository, OWNER, REPOSITORY, run, s3Client, startS3World, type ApiKeyPair, type S3World } from './s3-helpers.ts';

const required = process.env.MERIDIAN_REQUIRE_SERVICES === '1';
const tools = ['gdal_create', 'gdal_translate', 'gdalinfo', 'gdallocationinfo'];
const found = await Promise.all(tools.map((tool) => run(tool, ['--version'], { PATH: process.env.PATH ?? '' }).then((r) => r.code === 0, () => false)));
const reason = found.every(Boolean) ? undefined : `GDAL is not installed (${tools.filter((_, i) => !found[i]).join(', ')} missing; apt-get install gdal-bin)`;

let world: S3World;
let dir: string;
let cog: Buffer;

/** Only what GDAL needs; no AWS_ variable of this process leaks in. */
function gdalEnv(key: ApiKeyPair | undefined): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: dir,
    AWS_S3_ENDPOINT: world.hostAndMount,
    AWS_VIRTUAL_HOSTING: 'FALSE',
    AWS_HTTPS: 'NO',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    GDAL_DISABLE_READDIR_ON_OPEN: 'EMPTY_DIR',
    CPL_VSIL_CURL_USE_HEAD: 'NO',
    ...(key ? { AWS_ACCESS_KEY_ID: key.accessKeyId, AWS_SECRET_ACCESS_KEY: key.secretAccessKey } : { AWS_NO_SIGN_REQUEST: 'YES' }),
  };
}

before(async () => {
  if (reason) return;
  world = await startS3World();
  dir = mkdtempSync(join(tmpdir(), 'meridian-s3-gdal-'));
  // 300 × 200, three bands burnt to 10, 20, 30, in EPSG:4326; then a COG of it with 128-pixel tiles.
  const plain = join(dir, 'plain.tif');
  const made = await run('gdal_create', ['-of', 'GTiff', '-outsize', '300', '200', '-bands', '3', '-ot', 'Byte', '-burn', '10', '-burn', '20', '-burn', '30',
    '-a_srs', 'EPSG:4326', '-a_ullr', '10', '50', '13', '48', plain], gdalEnv(undefined));
  assert.equal(made.code, 0, made.stderr);
  const translated = await run('gdal_translate', ['-q', '-of', 'COG', '-co', 'BLOCKSIZE=128', plain, join(dir, 'cog.tif')], gdalEnv(undefined));
  assert.equal(translated.code, 0, translated.stderr);
  cog = readFileSync(join(dir, 'cog.tif'));
  const s3 = s3Client(world.endpoint, world.ownerKey);
  await createRepository(world.owner, OWNER, 'vault', { visibility: 'restricted' });
  await s3.send(new PutObjectCommand({ Bucket: OWNER, Key: `${REPOSITORY}/rasters/scene one.tif`, Body: cog, ContentType: 'image/tiff' }));
  await s3.send(new PutObjectCommand({ Bucket: OWNER, Key: 'vault/scene.tif', Body: cog, ContentType: 'image/tiff' }));
});
after(async () => {
  await world?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Size and bands from `gdalinfo -json`. */
function described(stdout: string): { size: number[]; bands: number; driver: string; layout?: string } {
  const info = JSON.parse(stdout);
  return { size: info.size, bands: info.bands.length, driver: info.driverShortName, layout: info.metadata?.IMAGE_STRUCTURE?.LAYOUT };
}

describe('GDAL through the data proxy', { skip: !required && reason }, () => {
  before(() => assert.equal(reason, undefined, reason));

  test('/vsis3/ with an API key: gdalinfo reads the COG\'s structure, gdallocationinfo a pixel of each band', async () => {
    const path = `/vsis3/${OWNER}/${REPOSITORY}/rasters/scene one.tif`;
    const info = await run('gdalinfo', ['-json', path], gdalEnv(world.ownerKey));
    assert.equal(info.code, 0, info.stderr);
    assert.deepEqual(described(info.stdout), { size: [300, 200], bands: 3, driver: 'GTiff', layout: 'COG' });
    const pixel = await run('gdallocationinfo', ['-valonly', path, '150', '100'], gdalEnv(world.ownerKey));
    assert.equal(pixel.code, 0, pixel.stderr);
    assert.deepEqual(pixel.stdout.trim().split('\n'), ['10', '20', '30']);
  });

  test('/vsis3/ on a restricted repository: the owner\'s and the admin\'s keys read it; unsigned, a key scoped elsewhere or a wrong secret cannot', async () => {
    const path = `/vsis3/${OWNER}/vault/scene.tif`;
    const info = await run('gdalinfo', ['-json', path], gdalEnv(world.ownerKey));
    assert.equal(info.code, 0, info.stderr);
    assert.deepEqual(described(info.stdout).size, [300, 200]);
    const anonymous = await run('gdalinfo', ['-json', path], gdalEnv(undefined));
    assert.notEqual(anonymous.code, 0);
    assert.equal((await run('gdalinfo', ['-json', path], gdalEnv(await createApiKey(world.admin, 'admin')))).code, 0);
    const scoped = await createApiKey(world.owner, OWNER, `${OWNER}/${REPOSITORY}`);
    const refused = await run('gdalinfo', ['-json', path], gdalEnv(scoped));
    assert.notEqual(refused.code, 0);
    const wrongSecret = await run('gdalinfo', ['-json', path], gdalEnv({ ...world.ownerKey, secretAccessKey: `x${world.ownerKey.secretAccessKey.slice(1)}` }));
    assert.notEqual(wrongSecret.code, 0);
    assert.match(wrongSecret.stderr, /SignatureDoesNotMatch|403/);
  });

  test('/vsicurl/ on a public repository, with no credentials at all', async () => {
    const url = `/vsicurl/${world.endpoint}/${OWNER}/${REPOSITORY}/rasters/scene%20one.tif`;
    const info = await run('gdalinfo', ['-json', url], gdalEnv(undefined));
    assert.equal(info.code, 0, info.stderr);
    assert.deepEqual(described(info.stdout), { size: [300, 200], bands: 3, driver: 'GTiff', layout: 'COG' });
    const pixel = await run('gdallocationinfo', ['-valonly', url, '0', '0'], gdalEnv(undefined));
    assert.deepEqual(pixel.stdout.trim().split('\n'), ['10', '20', '30']);
  });
});
