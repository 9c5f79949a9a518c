// What request logs may never hold: a presigned URL's signature, in the URL or
// in the parsed query (pino-http logs both), nor an Authorization header.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { pino } from 'pino';
import { withoutUrlSignature } from './logger.ts';

const SIGNATURE = 'aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404';

test('a presigned URL is logged without its signature; the rest of it stays', () => {
  const url = `/data/a/b/c.tif?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=MRDN%2F20261122&X-Amz-Signature=${SIGNATURE}&x-id=GetObject`;
  const logged = withoutUrlSignature({ url, query: { 'X-Amz-Signature': SIGNATURE, 'X-Amz-Credential': 'MRDN/20261122', 'x-id': 'GetObject' } });
  assert.equal(logged.url, '/data/a/b/c.tif?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=MRDN%2F20261122&X-Amz-Signature=[redacted]&x-id=GetObject');
  assert.deepEqual(logged.query, { 'X-Amz-Signature': '[redacted]', 'X-Amz-Credential': 'MRDN/20261122', 'x-id': 'GetObject' });
  assert.equal(withoutUrlSignature({ url: `/x?x-amz-signature=${SIGNATURE}`, query: {} }).url, '/x?x-amz-signature=[redacted]');
  assert.deepEqual(withoutUrlSignature({ url: '/data/a/b/c.tif', query: {} }), { url: '/data/a/b/c.tif', query: {} });
});

test('through pino, a serialized request keeps neither the signature nor the Authorization header', () => {
  const lines: string[] = [];
  const logger = pino({
    serializers: { req: withoutUrlSignature },
    redact: { paths: ['req.headers.authorization'], censor: '[redacted]' },
  }, new Writable({ write(chunk, _encoding, done) { lines.push(String(chunk)); done(); } }));
  logger.info({ req: { url: `/data/a?X-Amz-Signature=${SIGNATURE}`, query: { 'X-Amz-Signature': SIGNATURE }, headers: { authorization: `AWS4-HMAC-SHA256 Credential=x, Signature=${SIGNATURE}` } } }, 'request');
  assert.equal(lines.length, 1);
  assert.ok(!lines[0].includes(SIGNATURE), lines[0]);
});
