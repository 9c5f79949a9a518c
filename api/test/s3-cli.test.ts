// Peer S3 clients in their own processes against the data proxy: the AWS CLI
// (`aws s3` and `aws s3api`, multipart included) and boto3. Each gets an API
// key created through the management API, in its environment only, and no
// configuration of its own (AWS_CONFIG_FILE=/dev/null) unless the test writes
// one. Both are preinstalled Python programs; a plain run skips this file with
// one line when they are missing, MERIDIAN_REQUIRE_SERVICES=1 fails instead.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createRepository, OWNER, REPOSITORY, run, startS3World, type ApiKeyPair, type S3World } from './s3-helpers.ts';

const required = process.env.MERIDIAN_REQUIRE_SERVICES === '1';
const pythonDir = new URL('./python/', import.meta.url).pathname;

/** The environment without any AWS_ variable of this process: the child sees only what a test gives it. */
function childEnv(key: ApiKeyPair | undefined, extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('AWS_') && value !== undefined) env[name] = value;
  return {
    ...env,
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    ...(key ? { AWS_ACCESS_KEY_ID: key.accessKeyId, AWS_SECRET_ACCESS_KEY: key.secretAccessKey } : {}),
    ...extra,
  };
}

async function missing(): Promise<string | undefined> {
  const aws = await run('aws', ['--version'], childEnv(undefined)).catch(() => undefined);
  if (aws?.code !== 0) return 'the AWS CLI (aws) is not installed';
  const boto = await run('python3', ['-c', 'import boto3'], childEnv(undefined)).catch(() => undefined);
  if (boto?.code !== 0) return 'python3 cannot import boto3';
  return undefined;
}
const reason = await missing();

let world: S3World;
let dir: string;
before(async () => {
  if (reason) return;
  world = await startS3World();
  dir = mkdtempSync(join(tmpdir(), 'meridian-s3-cli-'));
});
after(async () => {
  await world?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe('AWS CLI', { skip: !required && reason }, () => {
  before(() => assert.equal(reason, undefined, reason));
  const aws = async (args: string[], extra: Record<string, string> = {}) => {
    const result = await run('aws', ['--endpoint-url', world.endpoint, ...args], childEnv(world.ownerKey, extra));
    assert.equal(result.code, 0, `aws ${args.join(' ')} failed:\n${result.stderr}`);
    return result.stdout;
  };
  const s3url = (path: string) => `s3://${OWNER}/${REPOSITORY}/cli/${path}`;

  test('s3 cp up and down, s3 ls, s3 rm; each upload and delete queues its job', async () => {
    const local = join(dir, 'hello world.txt');
    writeFileSync(local, 'from the AWS CLI\n');
    const from = world.events.length;
    await aws(['s3', 'cp', local, s3url('hello world.txt')]);
    const listing = await aws(['s3', 'ls', s3url('')]);
    assert.match(listing, /\s17 hello world\.txt$/m);
    await aws(['s3', 'cp', s3url('hello world.txt'), join(dir, 'back.txt')]);
    assert.equal(readFileSync(join(dir, 'back.txt'), 'utf8'), 'from the AWS CLI\n');
    await aws(['s3', 'rm', s3url('hello world.txt')]);
    // `aws s3 ls` exits 1 when it finds nothing.
    const gone = await run('aws', ['--endpoint-url', world.endpoint, 's3', 'ls', s3url('')], childEnv(world.ownerKey));
    assert.deepEqual([gone.code, gone.stdout], [1, '']);
    assert.deepEqual((await world.settledEvents()).slice(from), [
      { accountId: OWNER, repositoryId: REPOSITORY, changes: [{ key: 'cli/hello world.txt', kind: 'put' }] },
      { accountId: OWNER, repositoryId: REPOSITORY, changes: [{ key: 'cli/hello world.txt', kind: 'delete' }] },
    ]);
  });

  test('s3 sync uploads a tree, then deletes what was removed locally', async () => {
    const tree = join(dir, 'tree');
    for (const file of ['a.txt', 'sub/b.txt', 'sub/deeper/c.txt']) {
      mkdirSync(join(tree, file, '..'), { recursive: true });
      writeFileSync(join(tree, file), `content of ${file}`);
    }
    await aws(['s3', 'sync', tree, s3url('tree/')]);
    const recursive = await aws(['s3', 'ls', '--recursive', s3url('tree/')]);
    for (const file of ['a.txt', 'sub/b.txt', 'sub/deeper/c.txt']) assert.match(recursive, new RegExp(`${REPOSITORY}/cli/tree/${file}$`, 'm'));
    rmSync(join(tree, 'sub/b.txt'));
    await aws(['s3', 'sync', '--delete', tree, s3url('tree/')]);
    const after = await aws(['s3', 'ls', '--recursive', s3url('tree/')]);
    assert.doesNotMatch(after, /sub\/b\.txt/);
    assert.match(after, /sub\/deeper\/c\.txt/);
    await aws(['s3', 'rm', '--recursive', s3url('tree/')]);
    const emptied = await run('aws', ['--endpoint-url', world.endpoint, 's3', 'ls', '--recursive', s3url('tree/')], childEnv(world.ownerKey));
    assert.deepEqual([emptied.code, emptied.stdout], [1, '']);
  });

  test('a large s3 cp goes multipart (multipart_threshold lowered in a config file) and comes back intact', async () => {
    const config = join(dir, 'config');
    writeFileSync(config, '[default]\ns3 =\n  multipart_threshold = 5MB\n  multipart_chunksize = 5MB\n');
    const data = randomBytes(16 * 1024 * 1024 + 4321);
    const local = join(dir, 'large.bin');
    writeFileSync(local, data);
    await aws(['s3', 'cp', local, s3url('large.bin')], { AWS_CONFIG_FILE: config });
    const head = JSON.parse(await aws(['s3api', 'head-object', '--bucket', OWNER, '--key', `${REPOSITORY}/cli/large.bin`]));
    assert.equal(head.ContentLength, data.length);
    assert.match(head.ETag, /-4"$/, 'four parts of 5 MB');
    await aws(['s3', 'cp', s3url('large.bin'), join(dir, 'large.back')], { AWS_CONFIG_FILE: config });
    assert.equal(sha256(readFileSync(join(dir, 'large.back'))), sha256(data));
  });

  test('s3api put-object, head-object and list-objects-v2', async () => {
    const local = join(dir, 'api.json');
    writeFileSync(local, '{"from":"s3api"}');
    const put = JSON.parse(await aws(['s3api', 'put-object', '--bucket', OWNER, '--key', `${REPOSITORY}/cli/api.json`, '--body', local, '--content-type', 'application/json']));
    assert.match(put.ETag, /^"[^"]+"$/);
    const head = JSON.parse(await aws(['s3api', 'head-object', '--bucket', OWNER, '--key', `${REPOSITORY}/cli/api.json`]));
    assert.equal(head.ContentLength, 16);
    assert.match(head.ContentType, /^application\/json\b/);
    assert.equal(head.ETag, put.ETag);
    const listed = JSON.parse(await aws(['s3api', 'list-objects-v2', '--bucket', OWNER, '--prefix', `${REPOSITORY}/cli/api`]));
    assert.deepEqual(listed.Contents.map((o: { Key: string }) => o.Key), [`${REPOSITORY}/cli/api.json`]);
  });

  test('refusals reach the CLI as S3 errors: a wrong secret, another account\'s repository', async () => {
    const wrong = await run('aws', ['--endpoint-url', world.endpoint, 's3', 'ls', `s3://${OWNER}/${REPOSITORY}/`],
      childEnv({ accessKeyId: world.ownerKey.accessKeyId, secretAccessKey: `${world.ownerKey.secretAccessKey.slice(1)}x` }));
    assert.notEqual(wrong.code, 0);
    assert.match(wrong.stderr, /SignatureDoesNotMatch/);
    await createRepository(world.admin, 'admin', 'admins-own');
    const other = await run('aws', ['--endpoint-url', world.endpoint, 's3', 'cp', '-', `s3://admin/admins-own/x.txt`], childEnv(world.ownerKey), 'nope');
    assert.notEqual(other.code, 0);
    assert.match(other.stderr, /AccessDenied/);
  });
});

describe('boto3', { skip: !required && reason }, () => {
  before(() => assert.equal(reason, undefined, reason));
  test('put, ranged get, list with the paginator, upload_file multipart, delete_objects', async () => {
    const work = join(dir, 'boto3');
    mkdirSync(work);
    const from = world.events.length;
    const result = await run('python3', [join(pythonDir, 's3_boto3_check.py'), world.endpoint, OWNER, `${REPOSITORY}/boto3/`, work], childEnv(world.ownerKey));
    assert.equal(result.code, 0, `boto3 checks failed:\n${result.stderr}\n${result.stdout}`);
    const seen = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}');
    assert.equal(seen.pages, 3);
    assert.match(seen.multipart_etag, /-3"$/);
    assert.deepEqual(seen.deleted, [0, 1, 2].map((i) => `${REPOSITORY}/boto3/paged/0${i}.txt`));
    assert.deepEqual(seen.errors, [['no-such-repository/x.txt', 'AccessDenied']]);
    assert.equal(seen.missing, 'NoSuchKey');
    const events = (await world.settledEvents()).slice(from);
    assert.deepEqual(events.at(-1), { accountId: OWNER, repositoryId: REPOSITORY, changes: [0, 1, 2].map((i) => ({ key: `boto3/paged/0${i}.txt`, kind: 'delete' })) });
    assert.ok(events.some((e) => e.changes.some((c) => c.key === 'boto3/big.bin' && c.kind === 'put')), 'the multipart upload');
  });
});

