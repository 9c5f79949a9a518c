// SigV4 refusals over real HTTP: what no well-behaved client sends, crafted by
// hand — a tampered signature, a wrong secret, an unknown key, a signed header
// changed after signing, an expired or not-yet-valid presigned URL, a skewed
// clock, a key revoked a moment ago, aws-chunked bodies with a forged chunk or
// trailer, cut short, or with a checksum that does not match. Each answers with
// the S3 error SDKs know, stores nothing and queues no repository-changed job.
// The chunk signatures here are computed with node:crypto from the S3 API
// reference's definition, apart from the server's code.
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { crc32 } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { assertStatus } from './http-client.ts';
import { createApiKey, OWNER, REPOSITORY, s3Client, s3ErrorOf, signRequest, startS3World, type ApiKeyPair, type S3World } from './s3-helpers.ts';

let world: S3World;
before(async () => {
  world = await startS3World();
  await s3Client(world.endpoint, world.ownerKey).send(new PutObjectCommand({ Bucket: OWNER, Key: `${REPOSITORY}/present.txt`, Body: 'here' }));
});
after(() => world?.close());

const objectUrl = (path: string) => `/${OWNER}/${REPOSITORY}/${path}`;
const EMPTY_SHA256 = createHash('sha256').digest('hex');
const sha256Hex = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/** Sends a request signed with `signRequest` (fetch sets Host itself, to the value signed). */
async function send(method: string, url: string, headers: Record<string, string>, body?: Buffer): Promise<{ status: number; code?: string; message?: string; text: string; headers: Headers }> {
  const { host: _host, ...rest } = headers;
  const reply = await fetch(world.endpoint + url, { method, headers: rest, body });
  const text = await reply.text();
  return { status: reply.status, code: /<Code>([^<]+)<\/Code>/.exec(text)?.[1], message: /<Message>([^<]+)<\/Message>/.exec(text)?.[1], text, headers: reply.headers };
}

async function signedGet(key: ApiKeyPair, url: string, options: { signingDate?: Date; headers?: Record<string, string> } = {}) {
  return signRequest(world.endpoint, key, { method: 'GET', url, headers: options.headers ?? {} }, { signingDate: options.signingDate, payloadHash: EMPTY_SHA256 });
}

/** Whether the object exists, asked with the owner's key. */
async function stored(path: string): Promise<boolean> {
  const reply = await send('HEAD', objectUrl(path), await signRequest(world.endpoint, world.ownerKey, { method: 'HEAD', url: objectUrl(path), headers: {} }, { payloadHash: EMPTY_SHA256 }));
  return reply.status === 200;
}

/** Runs `attempt`, then checks that no repository-changed job was queued meanwhile. */
async function queuesNothing(attempt: () => Promise<void>): Promise<void> {
  const from = world.events.length;
  await attempt();
  assert.deepEqual((await world.settledEvents()).slice(from), []);
}

describe('signatures and keys', () => {
  test('a well-signed request reads; the same with one signature digit changed is SignatureDoesNotMatch', async () => {
    const headers = await signedGet(world.ownerKey, objectUrl('present.txt'));
    const good = await send('GET', objectUrl('present.txt'), headers);
    assert.equal(good.status, 200);
    assert.equal(good.text, 'here');
    const signature = /Signature=([0-9a-f]{64})/.exec(headers.authorization)?.[1] ?? '';
    const flipped = signature.slice(0, -1) + (signature.endsWith('0') ? '1' : '0');
    const tampered = await send('GET', objectUrl('present.txt'), { ...headers, authorization: headers.authorization.replace(signature, flipped) });
    assert.deepEqual([tampered.status, tampered.code], [403, 'SignatureDoesNotMatch']);
    assert.ok(!tampered.text.includes(world.ownerKey.secretAccessKey), 'the secret is never in an answer');
  });

  test('a wrong secret, an unknown access key id, a malformed one', async () => {
    const wrong = await s3ErrorOf(s3Client(world.endpoint, { ...world.ownerKey, secretAccessKey: `${world.ownerKey.secretAccessKey}x` }).send(new GetObjectCommand({ Bucket: OWNER, Key: `${REPOSITORY}/present.txt` })));
    assert.deepEqual([wrong.code, wrong.status], ['SignatureDoesNotMatch', 403]);
    const unknown = await s3ErrorOf(s3Client(world.endpoint, { accessKeyId: 'MRDNAAAAAAAAAAAAAAAA', secretAccessKey: world.ownerKey.secretAccessKey }).send(new ListObjectsV2Command({ Bucket: OWNER })));
    assert.deepEqual([unknown.code, unknown.status], ['InvalidAccessKeyId', 403]);
    const malformed = await s3ErrorOf(s3Client(world.endpoint, { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'x' }).send(new ListObjectsV2Command({ Bucket: OWNER })));
    assert.equal(malformed.code, 'InvalidAccessKeyId');
  });

  test('a signed header changed after signing fails; an unsigned header added does not matter', async () => {
    const headers = await signedGet(world.ownerKey, objectUrl('present.txt'), { headers: { range: 'bytes=0-1' } });
    assert.match(headers.authorization, /SignedHeaders=[^,]*range/);
    assert.equal((await send('GET', objectUrl('present.txt'), headers)).text, 'he');
    const changed = await send('GET', objectUrl('present.txt'), { ...headers, range: 'bytes=0-3' });
    assert.deepEqual([changed.status, changed.code], [403, 'SignatureDoesNotMatch']);
    const added = await send('GET', objectUrl('present.txt'), { ...headers, 'x-unsigned-extra': 'anything' });
    assert.equal(added.status, 206);
    const otherPath = await send('GET', objectUrl('present.tx'), headers);
    assert.deepEqual([otherPath.status, otherPath.code], [403, 'SignatureDoesNotMatch']);
  });

  test('the clock: 20 minutes off is RequestTimeTooSkewed, 10 minutes is within S3\'s 15', async () => {
    const skewed = await send('GET', objectUrl('present.txt'), await signedGet(world.ownerKey, objectUrl('present.txt'), { signingDate: new Date(Date.now() - 20 * 60_000) }));
    assert.deepEqual([skewed.status, skewed.code], [403, 'RequestTimeTooSkewed']);
    const ahead = await send('GET', objectUrl('present.txt'), await signedGet(world.ownerKey, objectUrl('present.txt'), { signingDate: new Date(Date.now() + 20 * 60_000) }));
    assert.equal(ahead.code, 'RequestTimeTooSkewed');
    const near = await send('GET', objectUrl('present.txt'), await signedGet(world.ownerKey, objectUrl('present.txt'), { signingDate: new Date(Date.now() - 10 * 60_000) }));
    assert.equal(near.status, 200);
  });

  test('presigned URLs: expired is AccessDenied "Request has expired"; more than 7 days is refused; tampered fails', async () => {
    const s3 = s3Client(world.endpoint, world.ownerKey);
    const command = new GetObjectCommand({ Bucket: OWNER, Key: `${REPOSITORY}/present.txt` });
    const expired = await fetch(await getSignedUrl(s3, command, { expiresIn: 60, signingDate: new Date(Date.now() - 61_000) }));
    const expiredText = await expired.text();
    assert.equal(expired.status, 403);
    assert.match(expiredText, /<Code>AccessDenied<\/Code><Message>Request has expired<\/Message>/);
    const live = await getSignedUrl(s3, command, { expiresIn: 60, signingDate: new Date(Date.now() - 30_000) });
    assert.equal((await fetch(live)).status, 200);
    const week = new URL(live);
    week.searchParams.set('X-Amz-Expires', String(7 * 24 * 3600 + 1));
    const tooLong = await fetch(week);
    assert.equal(tooLong.status, 400);
    assert.match(await tooLong.text(), /AuthorizationQueryParametersError/);
    const longer = new URL(live);
    longer.searchParams.set('X-Amz-Expires', '3600');
    const stretched = await fetch(longer);
    assert.equal(stretched.status, 403, 'X-Amz-Expires is signed: it cannot be stretched');
    assert.match(await stretched.text(), /SignatureDoesNotMatch/);
  });

  test('a revoked key fails on the very next request', async () => {
    const key = await createApiKey(world.owner, OWNER);
    const s3 = s3Client(world.endpoint, key);
    await s3.send(new GetObjectCommand({ Bucket: OWNER, Key: `${REPOSITORY}/present.txt` }));
    assertStatus(await world.owner.delete(`/api/v1/accounts/${OWNER}/api-keys/${key.accessKeyId}`), 204);
    const refused = await s3ErrorOf(s3.send(new GetObjectCommand({ Bucket: OWNER, Key: `${REPOSITORY}/present.txt` })));
    assert.deepEqual([refused.code, refused.status], ['InvalidAccessKeyId', 403]);
    await queuesNothing(async () => {
      const put = await s3ErrorOf(s3.send(new PutObjectCommand({ Bucket: OWNER, Key: `${REPOSITORY}/by-revoked.txt`, Body: 'no' })));
      assert.equal(put.code, 'InvalidAccessKeyId');
    });
    assert.equal(await stored('by-revoked.txt'), false);
  });

  test('a SigV4 request never falls back to anonymous or to a session cookie', async () => {
    const headers = await signedGet({ ...world.ownerKey, secretAccessKey: 'not the secret' }, objectUrl('present.txt'));
    const withCookie = await send('GET', objectUrl('present.txt'), { ...headers, cookie: world.owner.cookie ?? '' });
    assert.deepEqual([withCookie.status, withCookie.code], [403, 'SignatureDoesNotMatch']);
  });
});

// ------------------------------------------------------------- aws-chunked by hand

interface Streaming {
  url: string;
  headers: Record<string, string>;
  body: Buffer;
}

/** The scope's signing key, from the S3 API reference: HMAC chain over date, region, service, "aws4_request". */
function signingKey(secret: string, date: string): Buffer {
  let key: Buffer = Buffer.from(`AWS4${secret}`);
  for (const part of [date, 'us-east-1', 's3', 'aws4_request']) key = createHmac('sha256', key).update(part).digest();
  return key;
}

/**
 * A STREAMING-AWS4-HMAC-SHA256-PAYLOAD(-TRAILER) PUT of `data` in `chunkSize` chunks;
 * `corrupt` changes one byte of the second chunk after it was signed.
 */
async function signedStreaming(path: string, data: Buffer, options: { chunkSize?: number; trailer?: { name: string; value: string }; corrupt?: boolean; forgeTrailer?: boolean } = {}): Promise<Streaming> {
  const chunkSize = options.chunkSize ?? 8192;
  const url = objectUrl(path);
  const payload = options.trailer ? 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER' : 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD';
  const extra: Record<string, string> = { 'content-encoding': 'aws-chunked', 'x-amz-decoded-content-length': String(data.length) };
  if (options.trailer) extra['x-amz-trailer'] = options.trailer.name;
  const headers = await signRequest(world.endpoint, world.ownerKey, { method: 'PUT', url, headers: extra }, { payloadHash: payload });
  const amzDate = headers['x-amz-date'];
  const scope = `${amzDate.slice(0, 8)}/us-east-1/s3/aws4_request`;
  const key = signingKey(world.ownerKey.secretAccessKey, amzDate.slice(0, 8));
  let previous = /Signature=([0-9a-f]{64})/.exec(headers.authorization)?.[1] ?? '';
  const parts: Buffer[] = [];
  const pieces: Buffer[] = [];
  for (let at = 0; at < data.length; at += chunkSize) pieces.push(data.subarray(at, at + chunkSize));
  pieces.push(Buffer.alloc(0));
  pieces.forEach((piece, i) => {
    const signature = createHmac('sha256', key).update(['AWS4-HMAC-SHA256-PAYLOAD', amzDate, scope, previous, EMPTY_SHA256, sha256Hex(piece)].join('\n')).digest('hex');
    previous = signature;
    const sent = Buffer.from(piece);
    if (options.corrupt && i === 1) sent[0] ^= 0xff;
    parts.push(Buffer.from(`${piece.length.toString(16)};chunk-signature=${signature}\r\n`), sent);
    if (piece.length > 0) parts.push(Buffer.from('\r\n'));
  });
  if (options.trailer) {
    const line = `${options.trailer.name}:${options.trailer.value}`;
    const trailerSignature = createHmac('sha256', key).update(['AWS4-HMAC-SHA256-TRAILER', amzDate, scope, previous, sha256Hex(`${line}\n`)].join('\n')).digest('hex');
    const sentLine = options.forgeTrailer ? `${options.trailer.name}:AAAAAA==` : line;
    parts.push(Buffer.from(`${sentLine}\r\nx-amz-trailer-signature:${trailerSignature}\r\n\r\n`));
  } else {
    parts.push(Buffer.from('\r\n'));
  }
  return { url, headers, body: Buffer.concat(parts) };
}

const crc32Base64 = (data: Buffer) => {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(crc32(data));
  return out.toString('base64');
};

describe('aws-chunked uploads crafted by hand', () => {
  const data = Buffer.from(Array.from({ length: 20_000 }, (_, i) => i % 251));

  test('signed chunks: stored when every signature chains; a byte changed after signing is SignatureDoesNotMatch and stores nothing', async () => {
    const from = world.events.length;
    const good = await signedStreaming('chunked/good.bin', data);
    const ok = await send('PUT', good.url, good.headers, good.body);
    assert.equal(ok.status, 200, ok.text);
    assert.deepEqual(Buffer.from(await (await s3Client(world.endpoint, world.ownerKey).send(new GetObjectCommand({ Bucket: OWNER, Key: `${REPOSITORY}/chunked/good.bin` }))).Body!.transformToByteArray()), data);
    assert.deepEqual((await world.settledEvents()).slice(from), [{ accountId: OWNER, repositoryId: REPOSITORY, changes: [{ key: 'chunked/good.bin', kind: 'put' }] }]);
    await queuesNothing(async () => {
      const bad = await signedStreaming('chunked/bad.bin', data, { corrupt: true });
      const refused = await send('PUT', bad.url, bad.headers, bad.body);
      assert.deepEqual([refused.status, refused.code], [403, 'SignatureDoesNotMatch']);
    });
    assert.equal(await stored('chunked/bad.bin'), false);
  });

  test('signed chunks with a signed checksum trailer: verified; a trailer changed after signing is refused', async () => {
    const good = await signedStreaming('chunked/trailer.bin', data, { trailer: { name: 'x-amz-checksum-crc32', value: crc32Base64(data) } });
    const ok = await send('PUT', good.url, good.headers, good.body);
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.headers.get('x-amz-checksum-crc32'), crc32Base64(data));
    await queuesNothing(async () => {
      const forged = await signedStreaming('chunked/forged.bin', data, { trailer: { name: 'x-amz-checksum-crc32', value: crc32Base64(data) }, forgeTrailer: true });
      const refused = await send('PUT', forged.url, forged.headers, forged.body);
      assert.deepEqual([refused.status, refused.code], [403, 'SignatureDoesNotMatch']);
      const wrongSum = await signedStreaming('chunked/wrong-sum.bin', data, { trailer: { name: 'x-amz-checksum-crc32', value: 'AAAAAA==' } });
      const mismatch = await send('PUT', wrongSum.url, wrongSum.headers, wrongSum.body);
      assert.deepEqual([mismatch.status, mismatch.code], [400, 'BadDigest']);
    });
    assert.equal(await stored('chunked/forged.bin'), false);
    assert.equal(await stored('chunked/wrong-sum.bin'), false);
  });

  test('a body cut short before its final chunk is IncompleteBody, signed chunks or unsigned', async () => {
    await queuesNothing(async () => {
      const whole = await signedStreaming('chunked/cut.bin', data);
      const cut = whole.body.subarray(0, whole.body.indexOf(Buffer.from(`0;chunk-signature=`), 100));
      const refused = await send('PUT', whole.url, whole.headers, cut);
      assert.deepEqual([refused.status, refused.code], [400, 'IncompleteBody']);
      const unsigned = await signRequest(world.endpoint, world.ownerKey, {
        method: 'PUT', url: objectUrl('chunked/cut2.bin'), headers: { 'content-encoding': 'aws-chunked', 'x-amz-decoded-content-length': '10', 'x-amz-trailer': 'x-amz-checksum-crc32' },
      }, { payloadHash: 'STREAMING-UNSIGNED-PAYLOAD-TRAILER' });
      const short = await send('PUT', objectUrl('chunked/cut2.bin'), unsigned, Buffer.from('a\r\n0123456789\r\n'));
      assert.deepEqual([short.status, short.code], [400, 'IncompleteBody']);
    });
    assert.equal(await stored('chunked/cut.bin'), false);
    assert.equal(await stored('chunked/cut2.bin'), false);
  });

  test('unsigned chunks with a CRC32 trailer that does not match: BadDigest, nothing stored', async () => {
    await queuesNothing(async () => {
      const headers = await signRequest(world.endpoint, world.ownerKey, {
        method: 'PUT', url: objectUrl('chunked/unsigned.bin'), headers: { 'content-encoding': 'aws-chunked', 'x-amz-decoded-content-length': '5', 'x-amz-trailer': 'x-amz-checksum-crc32' },
      }, { payloadHash: 'STREAMING-UNSIGNED-PAYLOAD-TRAILER' });
      const reply = await send('PUT', objectUrl('chunked/unsigned.bin'), headers, Buffer.from(`5\r\nhello\r\n0\r\nx-amz-checksum-crc32:${crc32Base64(Buffer.from('hellO'))}\r\n\r\n`));
      assert.deepEqual([reply.status, reply.code], [400, 'BadDigest']);
    });
    assert.equal(await stored('chunked/unsigned.bin'), false);
  });

  test('x-amz-content-sha256 that is not the body\'s SHA-256: XAmzContentSHA256Mismatch, nothing stored', async () => {
    await queuesNothing(async () => {
      const headers = await signRequest(world.endpoint, world.ownerKey, { method: 'PUT', url: objectUrl('sha/mismatch.txt'), headers: {} }, { payloadHash: sha256Hex('what was signed') });
      const reply = await send('PUT', objectUrl('sha/mismatch.txt'), headers, Buffer.from('what was sent'));
      assert.deepEqual([reply.status, reply.code], [400, 'XAmzContentSHA256Mismatch']);
    });
    assert.equal(await stored('sha/mismatch.txt'), false);
  });
});
