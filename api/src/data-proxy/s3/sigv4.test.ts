// SigV4 verification against the examples AWS publishes in the S3 API reference
// (sig-v4-header-based-auth, sigv4-query-string-auth, sigv4-streaming and the
// trailer example used by the AWS CRT's own tests): an oracle independent of
// both this code and the SDK signer it calls.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, test } from 'node:test';
import { S3Error } from '../s3-error.ts';
import { AwsChunkedDecoder } from './aws-chunked-decoder.ts';
import { parseSigV4, type ReceivedRequest } from './sigv4-request.ts';
import { chunkSignature, chunkSigning, signatureMatches, trailerSignature } from './sigv4-signature.ts';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const AKID = 'AKIAIOSFODNN7EXAMPLE';
const SIGNED_AT = Date.UTC(2013, 4, 24);
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

function received(method: string, url: string, headers: Record<string, string>): ReceivedRequest {
  const [path, query = ''] = url.split('?');
  return {
    method, path,
    query: query === '' ? [] : query.split('&').map((p) => p.split('=').map(decodeURIComponent) as [string, string]).map(([k, v = '']) => [k, v]),
    headers: new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), [v]])),
  };
}

const s3Code = (code: string, message?: RegExp) => (error: unknown) => {
  assert.ok(error instanceof S3Error, String(error));
  assert.equal(error.code, code);
  if (message) assert.match(error.message, message);
  return true;
};

const GET_EXAMPLE = () => received('GET', '/test.txt', {
  Host: 'examplebucket.s3.amazonaws.com',
  Range: 'bytes=0-9',
  'x-amz-content-sha256': EMPTY_SHA256,
  'x-amz-date': '20130524T000000Z',
  Authorization: `AWS4-HMAC-SHA256 Credential=${AKID}/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41`,
});

const PRESIGNED_EXAMPLE = 'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404';

const STREAMING_EXAMPLE = () => received('PUT', '/examplebucket/chunkObject.txt', {
  Host: 's3.amazonaws.com',
  'x-amz-date': '20130524T000000Z',
  'x-amz-storage-class': 'REDUCED_REDUNDANCY',
  Authorization: `AWS4-HMAC-SHA256 Credential=${AKID}/20130524/us-east-1/s3/aws4_request,SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,Signature=4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9`,
  'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
  'Content-Encoding': 'aws-chunked',
  'x-amz-decoded-content-length': '66560',
  'Content-Length': '66824',
});
const CHUNK_SIGNATURES = [
  'ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648',
  '0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497',
  'b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9',
];

function streamingBody(sizes = [65536, 1024, 0], signatures = CHUNK_SIGNATURES): Buffer {
  return Buffer.concat(sizes.map((size, i) => Buffer.concat([
    Buffer.from(`${size.toString(16)};chunk-signature=${signatures[i]}\r\n`), Buffer.alloc(size, 'a'), Buffer.from('\r\n'),
  ])));
}

/** Decodes `body` in pieces of `piece` bytes (to cross every boundary); the decoded bytes, or the error. */
async function decode(decoder: AwsChunkedDecoder, body: Buffer, piece = 1000): Promise<Buffer> {
  const pieces: Buffer[] = [];
  for (let at = 0; at < body.length; at += piece) pieces.push(body.subarray(at, at + piece));
  const out: Buffer[] = [];
  await pipeline(Readable.from(pieces), decoder, async function* (source) {
    for await (const chunk of source) out.push(chunk as Buffer);
  });
  return Buffer.concat(out);
}

describe('SigV4 header and query signatures (AWS examples)', () => {
  test('the GET Object example verifies; any change to a signed part does not', async () => {
    const request = GET_EXAMPLE();
    const claim = parseSigV4(request, SIGNED_AT + 60_000);
    assert.equal(claim.accessKeyId, AKID);
    assert.equal(claim.region, 'us-east-1');
    assert.deepEqual(claim.payload, { kind: 'sha256', hex: EMPTY_SHA256 });
    assert.equal(await signatureMatches(claim, request, SECRET, ''), true);
    assert.equal(await signatureMatches(claim, request, `${SECRET}x`, ''), false, 'another secret');
    const changed = GET_EXAMPLE();
    changed.headers.set('range', ['bytes=0-10']);
    assert.equal(await signatureMatches(parseSigV4(changed, SIGNED_AT), changed, SECRET, ''), false, 'a signed header changed');
    const unsignedChange = GET_EXAMPLE();
    unsignedChange.headers.set('user-agent', ['anything']);
    assert.equal(await signatureMatches(parseSigV4(unsignedChange, SIGNED_AT), unsignedChange, SECRET, ''), true, 'headers outside SignedHeaders do not count');
    const otherPath = { ...GET_EXAMPLE(), path: '/test.txT' };
    assert.equal(await signatureMatches(parseSigV4(otherPath, SIGNED_AT), otherPath, SECRET, ''), false, 'another key');
  });

  test('the presigned GET example verifies until it expires', async () => {
    const request = received('GET', `/test.txt?${PRESIGNED_EXAMPLE}`, { Host: 'examplebucket.s3.amazonaws.com' });
    const claim = parseSigV4(request, SIGNED_AT + 86_399_000);
    assert.equal(claim.via, 'query');
    assert.equal(claim.payloadHash, 'UNSIGNED-PAYLOAD');
    assert.equal(await signatureMatches(claim, request, SECRET, ''), true);
    assert.throws(() => parseSigV4(request, SIGNED_AT + 86_401_000), s3Code('AccessDenied', /^Request has expired$/));
    assert.throws(() => parseSigV4(request, SIGNED_AT - 16 * 60_000), s3Code('AccessDenied', /not valid yet/));
    const extra = received('GET', `/test.txt?${PRESIGNED_EXAMPLE}&x-id=GetObject`, { Host: 'examplebucket.s3.amazonaws.com' });
    assert.equal(await signatureMatches(parseSigV4(extra, SIGNED_AT), extra, SECRET, ''), false, 'an added query parameter');
  });

  test('form and time are checked before any key is looked up', () => {
    const now = SIGNED_AT;
    assert.throws(() => parseSigV4(GET_EXAMPLE(), now + 16 * 60_000), s3Code('RequestTimeTooSkewed'));
    assert.throws(() => parseSigV4(GET_EXAMPLE(), now - 16 * 60_000), s3Code('RequestTimeTooSkewed'));
    assert.doesNotThrow(() => parseSigV4(GET_EXAMPLE(), now + 14 * 60_000));
    const with_ = (header: string, value: string | undefined) => {
      const request = GET_EXAMPLE();
      if (value === undefined) request.headers.delete(header);
      else request.headers.set(header, [value]);
      return request;
    };
    const auth = (replace: [string, string]) => with_('authorization', String(GET_EXAMPLE().headers.get('authorization')).replace(...replace));
    assert.throws(() => parseSigV4(auth(['/s3/', '/ec2/']), now), s3Code('AuthorizationHeaderMalformed', /incorrect service "ec2"/));
    assert.throws(() => parseSigV4(auth(['20130524/', '20130525/']), now), s3Code('AuthorizationHeaderMalformed', /credential date/));
    assert.throws(() => parseSigV4(auth(['/aws4_request', '/aws5_request']), now), s3Code('AuthorizationHeaderMalformed', /Credential is mal-formed/));
    assert.throws(() => parseSigV4(auth(['SignedHeaders=host;', 'SignedHeaders=']), now), s3Code('AuthorizationHeaderMalformed', /host/));
    assert.throws(() => parseSigV4(auth(['Signature=f0', 'Signature=zz']), now), s3Code('SignatureDoesNotMatch'));
    assert.equal(parseSigV4(auth(['/us-east-1/', '/eu-central-1/']), now).region, 'eu-central-1', 'any region');
    assert.throws(() => parseSigV4(with_('authorization', 'AWS AKIAIOSFODNN7EXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg='), now), s3Code('InvalidRequest', /not supported/));
    assert.throws(() => parseSigV4(with_('x-amz-content-sha256', undefined), now), s3Code('InvalidRequest', /x-amz-content-sha256/));
    assert.throws(() => parseSigV4(with_('x-amz-content-sha256', 'abc'), now), s3Code('InvalidArgument'));
    assert.throws(() => parseSigV4(with_('x-amz-date', '2013-05-24T00:00:00Z'), now), s3Code('AccessDenied', /x-amz-date/));
    const query = (q: string) => received('GET', `/test.txt?${q}`, { Host: 'h' });
    assert.throws(() => parseSigV4(query(PRESIGNED_EXAMPLE.replace('86400', '604801')), now), s3Code('AuthorizationQueryParametersError', /less than a week/));
    assert.doesNotThrow(() => parseSigV4(query(PRESIGNED_EXAMPLE.replace('86400', '604800')), now));
    assert.throws(() => parseSigV4(query(PRESIGNED_EXAMPLE.replace('&X-Amz-SignedHeaders=host', '')), now), s3Code('AuthorizationQueryParametersError', /requires/));
    const both = received('GET', `/test.txt?${PRESIGNED_EXAMPLE}`, { Host: 'h', Authorization: String(GET_EXAMPLE().headers.get('authorization')) });
    assert.throws(() => parseSigV4(both, now), s3Code('InvalidArgument', /Only one auth mechanism/));
  });
});

test('GDAL\'s /vsis3/ form: the endpoint\'s path signed in the host, not in the path (captured from GDAL 3.6)', async () => {
  // gdalinfo /vsis3/acct/repo/dir/a b+c~é.tif with AWS_S3_ENDPOINT=127.0.0.1:45949/data and secret "secret".
  const request = received('GET', '/data/acct/repo/dir/a%20b%2Bc~%C3%A9.tif', {
    host: '127.0.0.1:45949', range: 'bytes=0-16383', 'x-amz-date': '20261122T063001Z', 'x-amz-content-sha256': EMPTY_SHA256,
    authorization: 'AWS4-HMAC-SHA256 Credential=MRDNAAAAAAAAAAAAAAAA/20261122/us-east-1/s3/aws4_request,SignedHeaders=host;x-amz-content-sha256;x-amz-date,Signature=0da9be1ba69503775b9a9c10723812acff8698055f965e1077c1221d9de8c5ac',
  });
  const claim = parseSigV4(request, Date.UTC(2026, 10, 22, 6, 30, 1));
  assert.equal(await signatureMatches(claim, request, 'secret', '/data'), true);
  assert.equal(await signatureMatches(claim, request, 'secret', ''), false, 'only under the mount the request came through');
  const moved = { ...request, path: '/data/acct/repo/dir/other.tif' };
  assert.equal(await signatureMatches(claim, moved, 'secret', '/data'), false, 'the key is still covered');
});

describe('aws-chunked bodies (AWS streaming example)', () => {
  test('the seed signature verifies, and every chunk signature chains from it', async () => {
    const request = STREAMING_EXAMPLE();
    const claim = parseSigV4(request, SIGNED_AT);
    assert.deepEqual(claim.payload, { kind: 'chunked', signed: true, trailer: false });
    assert.equal(await signatureMatches(claim, request, SECRET, ''), true);
    const signing = await chunkSigning(claim, SECRET);
    const body = streamingBody();
    assert.equal(body.length, 66824, 'the example\'s Content-Length');
    for (const piece of [1, 7, 1000, 65536 + 90, body.length]) {
      const decoded = await decode(new AwsChunkedDecoder({ signing, trailer: false, decodedLength: 66560 }), body, piece === 1 ? 97 : piece);
      assert.equal(decoded.length, 66560);
      assert.ok(decoded.every((byte) => byte === 0x61));
    }
  });

  test('a changed byte, a swapped signature, or a truncated body fails the stream', async () => {
    const claim = parseSigV4(STREAMING_EXAMPLE(), SIGNED_AT);
    const signing = await chunkSigning(claim, SECRET);
    const tampered = streamingBody();
    tampered[100] = 0x62;
    await assert.rejects(decode(new AwsChunkedDecoder({ signing, trailer: false }), tampered), s3Code('SignatureDoesNotMatch', /chunk/));
    const swapped = streamingBody([65536, 1024, 0], [CHUNK_SIGNATURES[1], CHUNK_SIGNATURES[0], CHUNK_SIGNATURES[2]]);
    await assert.rejects(decode(new AwsChunkedDecoder({ signing, trailer: false }), swapped), s3Code('SignatureDoesNotMatch'));
    const body = streamingBody();
    await assert.rejects(decode(new AwsChunkedDecoder({ signing, trailer: false }), body.subarray(0, 66000)), s3Code('IncompleteBody'));
    const noFinal = streamingBody([65536, 1024], CHUNK_SIGNATURES);
    await assert.rejects(decode(new AwsChunkedDecoder({ signing, trailer: false }), noFinal), s3Code('IncompleteBody'));
    await assert.rejects(decode(new AwsChunkedDecoder({ signing, trailer: false, decodedLength: 66561 }), body), s3Code('IncompleteBody'));
    const unsignedChunk = Buffer.from('3\r\nabc\r\n0\r\n\r\n');
    await assert.rejects(decode(new AwsChunkedDecoder({ signing, trailer: false }), unsignedChunk), s3Code('InvalidRequest', /no chunk-signature/));
  });

  test('trailer signature: the AWS CRT example', async () => {
    const signing = await chunkSigning(parseSigV4(STREAMING_EXAMPLE(), SIGNED_AT), SECRET);
    assert.equal(chunkSignature(signing, signing.seed, 'bf718b6f653bebc184e1479f1935b8da974d701b893afcf49e701f3e2f9f9c5a'), CHUNK_SIGNATURES[0]);
    assert.equal(trailerSignature(signing, CHUNK_SIGNATURES[2], [['first', '1st'], ['second', '2nd'], ['third', '3rd']]),
      'df5735bd9f3295cd9386572292562fefc93ba94e80a0a1ddcbd652c4e0a75e6c');
  });

  test('signed chunks with a signed trailer: the trailer is read and its signature checked', async () => {
    const signing = await chunkSigning(parseSigV4(STREAMING_EXAMPLE(), SIGNED_AT), SECRET);
    // The final chunk's line, then the trailing headers, their signature and the empty line that ends them.
    const chunks = streamingBody();
    const framed = Buffer.concat([chunks.subarray(0, chunks.length - 2),
      Buffer.from('first:1st\r\nsecond:2nd\r\nthird:3rd\r\nx-amz-trailer-signature:df5735bd9f3295cd9386572292562fefc93ba94e80a0a1ddcbd652c4e0a75e6c\r\n\r\n')]);
    const decoder = new AwsChunkedDecoder({ signing, trailer: true });
    assert.equal((await decode(decoder, framed, 4096)).length, 66560);
    assert.equal(decoder.trailers.get('second'), '2nd');
    const forged = Buffer.from(framed.toString('latin1').replace('second:2nd', 'second:2nX'), 'latin1');
    await assert.rejects(decode(new AwsChunkedDecoder({ signing, trailer: true }), forged), s3Code('SignatureDoesNotMatch', /trailer/));
  });

  test('unsigned chunks with a checksum trailer, as the AWS SDK sends them', async () => {
    const decoder = new AwsChunkedDecoder({ trailer: true, decodedLength: 12 });
    const body = Buffer.from('6\r\nhello \r\n6\r\nstream\r\n0\r\nx-amz-checksum-crc32:gtnkmQ==\r\n\r\n');
    for (const piece of [1, 2, 5, body.length]) {
      const d = new AwsChunkedDecoder({ trailer: true, decodedLength: 12 });
      assert.equal((await decode(d, body, piece)).toString(), 'hello stream');
      assert.equal(d.trailers.get('x-amz-checksum-crc32'), 'gtnkmQ==');
    }
    await assert.rejects(decode(decoder, body.subarray(0, 20)), s3Code('IncompleteBody'));
    await assert.rejects(decode(new AwsChunkedDecoder({ trailer: true }), Buffer.from('6\r\nhello!!\r\n0\r\n\r\n')), s3Code('InvalidRequest', /longer than its declared size/));
    await assert.rejects(decode(new AwsChunkedDecoder({ trailer: true }), Buffer.from('zz\r\n')), s3Code('InvalidRequest', /not hexadecimal/));
    await assert.rejects(decode(new AwsChunkedDecoder({ trailer: false }), Buffer.from('0\r\nx-amz-checksum-crc32:gtnkmQ==\r\n\r\n')), s3Code('InvalidRequest', /without them/));
  });
});
