// The AWS SDK for JavaScript v3 against the data proxy's S3 endpoint, with an
// API key created through the management API, exactly as a newcomer configures
// it: every operation the endpoint offers, the checksums current SDKs send by
// default and each one they can be asked for, refused checksums leaving no
// object, multipart uploads by hand and through lib-storage, presigned GET and
// PUT, awkward keys, and the repository-changed jobs each write queues.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CopyObjectCommand, CreateMultipartUploadCommand, DeleteObjectCommand,
  DeleteObjectsCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, ListPartsCommand, paginateListObjectsV2,
  PutObjectCommand, UploadPartCommand, type ChecksumAlgorithm, type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { Sha512 } from '@aws-sdk/checksums/sha';
import { Xxh3_128, Xxh3_64, Xxh64 } from '@aws-sdk/checksums/xxh';
import { createApiKey, createRepository, OWNER, REPOSITORY, s3Client, s3ErrorOf, startS3World, type S3World } from './s3-helpers.ts';

let world: S3World;
let s3: S3Client;
/** Request headers of the client's last request, as sent. */
let sent: Record<string, string> = {};

before(async () => {
  world = await startS3World();
  s3 = s3Client(world.endpoint, world.ownerKey);
  s3.middlewareStack.add((next) => async (args) => {
    sent = { ...(args.request as { headers: Record<string, string> }).headers };
    return next(args);
  }, { step: 'finalizeRequest', priority: 'low', name: 'recordHeaders' });
  await createRepository(world.owner, OWNER, 'other');
});
after(() => world?.close());

const Bucket = OWNER;
const key = (path: string) => `${REPOSITORY}/${path}`;
const text = async (path: string, range?: string) => (await (await s3.send(new GetObjectCommand({ Bucket, Key: key(path), Range: range }))).Body?.transformToString()) ?? '';
const bytes = async (path: string) => Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket, Key: key(path) }))).Body!.transformToByteArray());
async function exists(path: string): Promise<boolean> {
  try {
    await s3.send(new HeadObjectCommand({ Bucket, Key: key(path) }));
    return true;
  } catch (error) {
    if ((error as Error).name === 'NotFound') return false;
    throw error;
  }
}
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** The repository-changed jobs queued since `from`. */
async function eventsSince(from: number) {
  return (await world.settledEvents()).slice(from);
}

describe('objects', () => {
  test('PutObject, GetObject, HeadObject and a ranged GetObject; each put queues one repository-changed job', async () => {
    const from = world.events.length;
    const put = await s3.send(new PutObjectCommand({ Bucket, Key: key('notes/readme.txt'), Body: 'hello, object store', ContentType: 'text/plain' }));
    assert.match(put.ETag ?? '', /^"[^"]+"$/);
    assert.equal(await text('notes/readme.txt'), 'hello, object store');
    assert.equal(await text('notes/readme.txt', 'bytes=7-12'), 'object');
    const ranged = await s3.send(new GetObjectCommand({ Bucket, Key: key('notes/readme.txt'), Range: 'bytes=-5' }));
    assert.equal(ranged.ContentRange, 'bytes 14-18/19');
    assert.equal(await ranged.Body?.transformToString(), 'store');
    const head = await s3.send(new HeadObjectCommand({ Bucket, Key: key('notes/readme.txt') }));
    assert.equal(head.ContentLength, 19);
    assert.equal(head.ETag, put.ETag);
    assert.match(head.ContentType ?? '', /^text\/plain\b/);
    assert.deepEqual(await eventsSince(from), [{ accountId: OWNER, repositoryId: REPOSITORY, changes: [{ key: 'notes/readme.txt', kind: 'put' }] }]);
  });

  test('a conditional PutObject (If-None-Match: *) is refused rather than silently unconditional', async () => {
    const refused = await s3ErrorOf(s3.send(new PutObjectCommand({ Bucket, Key: key('notes/readme.txt'), Body: 'overwrite?', IfNoneMatch: '*' })));
    assert.deepEqual([refused.code, refused.status], ['NotImplemented', 501]);
    assert.equal(await text('notes/readme.txt'), 'hello, object store');
  });

  test('keys with spaces, +, ~, unicode and the characters SDKs encode differently', async () => {
    const names = ['a b.txt', 'plus+sign.txt', 'tilde~x.txt', 'ünï/cödé ✓.txt', "brackets (1) [2] {3} !$&'*,;=@.txt", 'percent%20literal.txt'];
    for (const name of names) {
      await s3.send(new PutObjectCommand({ Bucket, Key: key(`odd/${name}`), Body: name }));
      assert.equal(await text(`odd/${name}`), name, name);
    }
    const listed = await s3.send(new ListObjectsV2Command({ Bucket, Prefix: key('odd/') }));
    assert.deepEqual(listed.Contents?.map((o) => o.Key).sort(), names.map((n) => key(`odd/${n}`)).sort());
  });

  test('ListObjectsV2 through every page with the paginator, and with a delimiter', async () => {
    for (let i = 0; i < 5; i++) await s3.send(new PutObjectCommand({ Bucket, Key: key(`paged/${i}.txt`), Body: String(i) }));
    const keys: string[] = [];
    let pages = 0;
    for await (const page of paginateListObjectsV2({ client: s3, pageSize: 2 }, { Bucket, Prefix: key('paged/') })) {
      keys.push(...(page.Contents ?? []).map((o) => o.Key ?? ''));
      pages++;
    }
    assert.deepEqual(keys, [0, 1, 2, 3, 4].map((i) => key(`paged/${i}.txt`)));
    assert.equal(pages, 3);
    const top = await s3.send(new ListObjectsV2Command({ Bucket, Prefix: `${REPOSITORY}/`, Delimiter: '/' }));
    assert.ok(top.CommonPrefixes?.some((p) => p.Prefix === key('paged/')));
  });

  test('DeleteObject: gone afterwards; deleting a missing key succeeds and queues nothing', async () => {
    await s3.send(new PutObjectCommand({ Bucket, Key: key('doomed.txt'), Body: 'x' }));
    const from = world.events.length;
    await s3.send(new DeleteObjectCommand({ Bucket, Key: key('doomed.txt') }));
    assert.equal(await exists('doomed.txt'), false);
    await s3.send(new DeleteObjectCommand({ Bucket, Key: key('doomed.txt') }));
    assert.deepEqual(await eventsSince(from), [{ accountId: OWNER, repositoryId: REPOSITORY, changes: [{ key: 'doomed.txt', kind: 'delete' }] }]);
  });

  test('DeleteObjects across two repositories, quiet and not; one job per repository', async () => {
    for (const k of ['batch/1', 'batch/2', 'batch/3']) await s3.send(new PutObjectCommand({ Bucket, Key: key(k), Body: k }));
    await s3.send(new PutObjectCommand({ Bucket, Key: 'other/batch/4', Body: '4' }));
    const from = world.events.length;
    const result = await s3.send(new DeleteObjectsCommand({
      Bucket, Delete: { Objects: [{ Key: key('batch/1') }, { Key: key('batch/2') }, { Key: 'other/batch/4' }, { Key: key('batch/never-there') }] },
    }));
    assert.deepEqual(result.Deleted?.map((d) => d.Key).sort(), [key('batch/1'), key('batch/2'), key('batch/never-there'), 'other/batch/4']);
    assert.equal(result.Errors, undefined);
    assert.equal(await exists('batch/1'), false);
    assert.equal(await exists('batch/3'), true);
    const quiet = await s3.send(new DeleteObjectsCommand({ Bucket, Delete: { Quiet: true, Objects: [{ Key: key('batch/3') }] } }));
    assert.equal(quiet.Deleted, undefined);
    assert.deepEqual(await eventsSince(from), [
      { accountId: OWNER, repositoryId: REPOSITORY, changes: [{ key: 'batch/1', kind: 'delete' }, { key: 'batch/2', kind: 'delete' }] },
      { accountId: OWNER, repositoryId: 'other', changes: [{ key: 'batch/4', kind: 'delete' }] },
      { accountId: OWNER, repositoryId: REPOSITORY, changes: [{ key: 'batch/3', kind: 'delete' }] },
    ]);
  });

  test('CopyObject within a repository; from another repository it is refused and writes nothing', async () => {
    await s3.send(new PutObjectCommand({ Bucket, Key: key('copy/source.txt'), Body: 'copied bytes' }));
    const from = world.events.length;
    const copied = await s3.send(new CopyObjectCommand({ Bucket, Key: key('copy/target.txt'), CopySource: `${Bucket}/${key('copy/source.txt')}` }));
    assert.match(copied.CopyObjectResult?.ETag ?? '', /^"/);
    assert.ok(copied.CopyObjectResult?.LastModified instanceof Date);
    assert.equal(await text('copy/target.txt'), 'copied bytes');
    await s3.send(new PutObjectCommand({ Bucket, Key: 'other/elsewhere.txt', Body: 'not here' }));
    const across = await s3ErrorOf(s3.send(new CopyObjectCommand({ Bucket, Key: key('copy/across.txt'), CopySource: `${Bucket}/other/elsewhere.txt` })));
    assert.equal(across.code, 'InvalidRequest');
    assert.equal(await exists('copy/across.txt'), false);
    const missing = await s3ErrorOf(s3.send(new CopyObjectCommand({ Bucket, Key: key('copy/none.txt'), CopySource: `${Bucket}/${key('copy/absent.txt')}` })));
    assert.equal(missing.code, 'NoSuchKey');
    const events = await eventsSince(from);
    assert.deepEqual(events.filter((e) => e.repositoryId === REPOSITORY), [{ accountId: OWNER, repositoryId: REPOSITORY, changes: [{ key: 'copy/target.txt', kind: 'put' }] }]);
  });
});

describe('checksums', () => {
  // "123456789": the check value of every CRC's specification (CRC-32 cbf43926, CRC-32C e3069283,
  // CRC-64/NVME ae8b14860a799888); the xxHash values are those of the reference implementation (python-xxhash).
  const CHECK = '123456789';
  const hex = (value: string) => Buffer.from(value, 'hex').toString('base64');
  const expected: Partial<Record<ChecksumAlgorithm, string>> = {
    CRC32: hex('cbf43926'),
    CRC32C: hex('e3069283'),
    CRC64NVME: hex('ae8b14860a799888'),
    SHA1: createHash('sha1').update(CHECK).digest('base64'),
    SHA256: createHash('sha256').update(CHECK).digest('base64'),
    SHA512: createHash('sha512').update(CHECK).digest('base64'),
    XXHASH64: hex('8cb841db40e6ae83'),
    XXHASH3: hex('72dcb18b67a17dff'),
    XXHASH128: hex('33119477ede5dcd5e9716427681d5860'),
  };
  const algorithms = Object.keys(expected) as ChecksumAlgorithm[];
  const outputField = (algorithm: ChecksumAlgorithm) => `Checksum${algorithm}` as 'ChecksumCRC32';
  /** The SDK computes SHA-512 and the xxHashes only with implementations given to it. */
  let withAll: S3Client;
  before(() => {
    withAll = s3Client(world.endpoint, world.ownerKey, { checksumAlgorithms: { SHA512: Sha512, XXHASH64: Xxh64, XXHASH3: Xxh3_64, XXHASH128: Xxh3_128 } } as object);
    withAll.middlewareStack.add((next) => async (args) => {
      sent = { ...(args.request as { headers: Record<string, string> }).headers };
      return next(args);
    }, { step: 'finalizeRequest', priority: 'low', name: 'recordHeaders' });
  });

  test('by default the SDK sends CRC32: a header for a known body, an aws-chunked trailer for a stream', async () => {
    const known = await s3.send(new PutObjectCommand({ Bucket, Key: key('sums/default.txt'), Body: CHECK }));
    assert.equal(sent['x-amz-checksum-crc32'], expected.CRC32);
    assert.equal(known.ChecksumCRC32, expected.CRC32, 'echoed');
    const streamed = await s3.send(new PutObjectCommand({ Bucket, Key: key('sums/streamed.txt'), Body: Readable.from([Buffer.from('12345'), Buffer.from('6789')]), ContentLength: 9 }));
    assert.equal(sent['x-amz-content-sha256'], 'STREAMING-UNSIGNED-PAYLOAD-TRAILER');
    assert.equal(sent['x-amz-trailer'], 'x-amz-checksum-crc32');
    assert.equal(streamed.ChecksumCRC32, expected.CRC32);
    assert.equal(await text('sums/streamed.txt'), CHECK);
  });

  for (const algorithm of algorithms) {
    test(`ChecksumAlgorithm ${algorithm}: verified as a header and as a trailer, and echoed`, async () => {
      const asHeader = await withAll.send(new PutObjectCommand({ Bucket, Key: key(`sums/${algorithm}-header`), Body: CHECK, ChecksumAlgorithm: algorithm }));
      assert.equal(sent[`x-amz-checksum-${algorithm.toLowerCase()}`], expected[algorithm]);
      assert.equal(asHeader[outputField(algorithm)], expected[algorithm]);
      const asTrailer = await withAll.send(new PutObjectCommand({ Bucket, Key: key(`sums/${algorithm}-trailer`), Body: Readable.from([Buffer.from(CHECK)]), ContentLength: 9, ChecksumAlgorithm: algorithm }));
      assert.equal(sent['x-amz-trailer'], `x-amz-checksum-${algorithm.toLowerCase()}`);
      assert.equal(asTrailer[outputField(algorithm)], expected[algorithm]);
      assert.equal(await text(`sums/${algorithm}-trailer`), CHECK);
    });
  }

  test('a wrong Content-MD5 or a wrong checksum is refused, leaves no object and queues nothing', async () => {
    const from = world.events.length;
    const md5 = await s3ErrorOf(s3.send(new PutObjectCommand({ Bucket, Key: key('sums/bad-md5'), Body: 'payload', ContentMD5: createHash('md5').update('other').digest('base64') })));
    assert.deepEqual([md5.code, md5.status], ['BadDigest', 400]);
    const malformed = await s3ErrorOf(s3.send(new PutObjectCommand({ Bucket, Key: key('sums/bad-md5'), Body: 'payload', ContentMD5: 'not base64!' })));
    assert.deepEqual([malformed.code, malformed.status], ['InvalidDigest', 400]);
    for (const algorithm of algorithms) {
      const wrong = await s3ErrorOf(withAll.send(new PutObjectCommand({ Bucket, Key: key('sums/bad-sum'), Body: 'payload', ChecksumAlgorithm: algorithm, [outputField(algorithm)]: expected[algorithm] })));
      assert.deepEqual([wrong.code, wrong.status], ['BadDigest', 400], algorithm);
    }
    // Replacing an object with a bad upload keeps the old one.
    await s3.send(new PutObjectCommand({ Bucket, Key: key('sums/kept'), Body: 'the original' }));
    const replace = await s3ErrorOf(s3.send(new PutObjectCommand({ Bucket, Key: key('sums/kept'), Body: 'a replacement', ChecksumCRC32: expected.CRC32 })));
    assert.equal(replace.code, 'BadDigest');
    assert.equal(await text('sums/kept'), 'the original');
    assert.equal(await exists('sums/bad-md5'), false);
    assert.equal(await exists('sums/bad-sum'), false);
    assert.deepEqual(await eventsSince(from), [{ accountId: OWNER, repositoryId: REPOSITORY, changes: [{ key: 'sums/kept', kind: 'put' }] }], 'only the good put');
    const right = await s3.send(new PutObjectCommand({ Bucket, Key: key('sums/md5-ok'), Body: 'payload', ContentMD5: createHash('md5').update('payload').digest('base64') }));
    assert.ok(right.ETag);
  });
});

describe('multipart uploads', () => {
  const MiB = 1024 * 1024;

  test('create, upload parts, list them, complete: the object is the parts joined, with a multipart ETag', async () => {
    const part1 = randomBytes(5 * MiB);
    const part2 = randomBytes(1234);
    const from = world.events.length;
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: key('multi/joined.bin'), ContentType: 'application/x-test' }));
    assert.ok(UploadId);
    const etag1 = (await s3.send(new UploadPartCommand({ Bucket, Key: key('multi/joined.bin'), UploadId, PartNumber: 1, Body: part1 }))).ETag;
    const etag2 = (await s3.send(new UploadPartCommand({ Bucket, Key: key('multi/joined.bin'), UploadId, PartNumber: 2, Body: part2 }))).ETag;
    const listed = await s3.send(new ListPartsCommand({ Bucket, Key: key('multi/joined.bin'), UploadId }));
    assert.deepEqual(listed.Parts?.map((p) => [p.PartNumber, p.ETag, p.Size]), [[1, etag1, 5 * MiB], [2, etag2, 1234]]);
    assert.equal(listed.IsTruncated, false);
    const firstPage = await s3.send(new ListPartsCommand({ Bucket, Key: key('multi/joined.bin'), UploadId, MaxParts: 1 }));
    assert.deepEqual([firstPage.Parts?.length, firstPage.IsTruncated, firstPage.NextPartNumberMarker], [1, true, '1']);
    assert.equal(await exists('multi/joined.bin'), false, 'invisible until completed');
    assert.deepEqual(await eventsSince(from), [], 'nothing queued before completion');
    const done = await s3.send(new CompleteMultipartUploadCommand({
      Bucket, Key: key('multi/joined.bin'), UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: etag1 }, { PartNumber: 2, ETag: etag2 }] },
    }));
    assert.match(done.ETag ?? '', /^"[0-9a-f]{32}-2"$/);
    assert.equal(done.Key, key('multi/joined.bin'));
    assert.equal(done.Bucket, OWNER);
    assert.equal(sha256(await bytes('multi/joined.bin')), sha256(Buffer.concat([part1, part2])));
    assert.deepEqual(await eventsSince(from), [{ accountId: OWNER, repositoryId: REPOSITORY, changes: [{ key: 'multi/joined.bin', kind: 'put' }] }]);
  });

  test('abort forgets the parts and leaves no object; a completion out of order, or with a wrong ETag, is refused', async () => {
    const from = world.events.length;
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: key('multi/aborted.bin') }));
    const { ETag } = await s3.send(new UploadPartCommand({ Bucket, Key: key('multi/aborted.bin'), UploadId, PartNumber: 1, Body: 'part' }));
    const order = await s3ErrorOf(s3.send(new CompleteMultipartUploadCommand({
      Bucket, Key: key('multi/aborted.bin'), UploadId, MultipartUpload: { Parts: [{ PartNumber: 2, ETag }, { PartNumber: 1, ETag }] },
    })));
    assert.equal(order.code, 'InvalidPartOrder');
    const wrong = await s3ErrorOf(s3.send(new CompleteMultipartUploadCommand({
      Bucket, Key: key('multi/aborted.bin'), UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: '"00000000000000000000000000000000"' }] },
    })));
    assert.equal(wrong.code, 'InvalidPart');
    await s3.send(new AbortMultipartUploadCommand({ Bucket, Key: key('multi/aborted.bin'), UploadId }));
    assert.equal((await s3ErrorOf(s3.send(new ListPartsCommand({ Bucket, Key: key('multi/aborted.bin'), UploadId })))).code, 'NoSuchUpload');
    assert.equal((await s3ErrorOf(s3.send(new UploadPartCommand({ Bucket, Key: key('multi/aborted.bin'), UploadId, PartNumber: 2, Body: 'late' })))).code, 'NoSuchUpload');
    assert.equal((await s3ErrorOf(s3.send(new AbortMultipartUploadCommand({ Bucket, Key: key('multi/aborted.bin'), UploadId })))).code, 'NoSuchUpload');
    assert.equal(await exists('multi/aborted.bin'), false);
    assert.deepEqual(await eventsSince(from), []);
  });

  test('lib-storage Upload: 20 MiB from a stream in 5 MiB parts, with its default checksums', async () => {
    const data = randomBytes(20 * MiB + 12345);
    const from = world.events.length;
    const parts: number[] = [];
    const upload = new Upload({ client: s3, params: { Bucket, Key: key('multi/big.bin'), Body: Readable.from(chunks(data, 256 * 1024)) }, partSize: 5 * MiB, queueSize: 2 });
    upload.on('httpUploadProgress', (progress) => { if (progress.part) parts.push(progress.part); });
    const result = await upload.done();
    assert.match(String(result.ETag), /-5"$/, 'five parts');
    assert.equal(new Set(parts).size, 5);
    const head = await s3.send(new HeadObjectCommand({ Bucket, Key: key('multi/big.bin') }));
    assert.equal(head.ContentLength, data.length);
    assert.equal(sha256(await bytes('multi/big.bin')), sha256(data));
    assert.deepEqual(await eventsSince(from), [{ accountId: OWNER, repositoryId: REPOSITORY, changes: [{ key: 'multi/big.bin', kind: 'put' }] }]);
  });
});

function* chunks(data: Buffer, size: number): Generator<Buffer> {
  for (let at = 0; at < data.length; at += size) yield data.subarray(at, at + size);
}

describe('presigned URLs', () => {
  test('a presigned GET reads without credentials; a presigned PUT (as a browser sends it) writes', async () => {
    await s3.send(new PutObjectCommand({ Bucket, Key: key('signed/readme.txt'), Body: 'shared by link' }));
    const getUrl = await getSignedUrl(s3, new GetObjectCommand({ Bucket, Key: key('signed/readme.txt') }), { expiresIn: 300 });
    const got = await fetch(getUrl);
    assert.equal(got.status, 200);
    assert.equal(await got.text(), 'shared by link');
    // The SDK signs the CRC32 of an empty body into a presigned PutObject; S3 ignores checksum parameters of presigned URLs, and so does Meridian.
    const putUrl = await getSignedUrl(s3, new PutObjectCommand({ Bucket, Key: key('signed/uploaded one.txt'), ContentType: 'text/plain' }), { expiresIn: 300 });
    assert.match(putUrl, /x-amz-checksum-crc32=AAAAAA%3D%3D/);
    const from = world.events.length;
    const put = await fetch(putUrl, { method: 'PUT', body: 'from a browser', headers: { 'content-type': 'text/plain' } });
    assert.equal(put.status, 200, await put.text());
    assert.match(put.headers.get('etag') ?? '', /^"/);
    assert.equal(await text('signed/uploaded one.txt'), 'from a browser');
    assert.deepEqual(await eventsSince(from), [{ accountId: OWNER, repositoryId: REPOSITORY, changes: [{ key: 'signed/uploaded one.txt', kind: 'put' }] }]);
    // The URL names one object: used for another key, it does not verify.
    const other = await fetch(putUrl.replace('uploaded%20one', 'uploaded%20two'), { method: 'PUT', body: 'x', headers: { 'content-type': 'text/plain' } });
    assert.equal(other.status, 403);
    assert.match(await other.text(), /<Code>SignatureDoesNotMatch<\/Code>/);
  });

  test('a repository-scoped key reaches its repository only', async () => {
    const scoped = s3Client(world.endpoint, await createApiKey(world.owner, OWNER, `${OWNER}/other`));
    await scoped.send(new PutObjectCommand({ Bucket, Key: 'other/scoped.txt', Body: 'in scope' }));
    const refused = await s3ErrorOf(scoped.send(new PutObjectCommand({ Bucket, Key: key('scoped.txt'), Body: 'out of scope' })));
    assert.deepEqual([refused.code, refused.status], ['AccessDenied', 403]);
    assert.equal(await exists('scoped.txt'), false);
  });
});
