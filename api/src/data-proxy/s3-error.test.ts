import assert from 'node:assert/strict';
import { test } from 'node:test';
import { XMLParser } from 'fast-xml-parser';
import { ForbiddenError, NotFoundError, TooManyRequestsError, UnauthorizedError, ValidationError } from '@meridian/core/errors';
import { S3Error, toS3Error } from './s3-error.ts';
import { s3Xml } from './s3-xml.ts';

test('domain errors become the S3 codes clients know, keeping the access rule\'s status', () => {
  const mapped = (error: unknown) => {
    const s3 = toS3Error(error);
    return s3 && [s3.code, s3.status];
  };
  assert.deepEqual(mapped(new ValidationError('bad')), ['InvalidArgument', 400]);
  assert.deepEqual(mapped(new UnauthorizedError('sign in')), ['AccessDenied', 401]);
  assert.deepEqual(mapped(new ForbiddenError('no')), ['AccessDenied', 403]);
  assert.deepEqual(mapped(new TooManyRequestsError('slow', 9)), ['SlowDown', 503]);
  assert.equal(toS3Error(new TooManyRequestsError('slow', 9))?.headers['Retry-After'], '9');
  assert.equal(toS3Error(new Error('boom')), undefined, 'unexpected errors are internal');
  assert.deepEqual(mapped(Object.assign(new Error('too big'), { status: 413, type: 'entity.too.large' })), ['EntityTooLarge', 413]);
});

test('a 404 says S3\'s fixed words, never the domain error\'s (hidden reads as missing)', () => {
  const hidden = toS3Error(new NotFoundError('repository a/secret-name not found'));
  assert.equal(hidden?.code, 'NoSuchKey');
  assert.equal(hidden?.message, 'The specified key does not exist.');
  assert.equal(toS3Error(new NotFoundError('x'), 'NoSuchBucket')?.message, 'The specified bucket does not exist');
  assert.equal(new S3Error('InvalidRange').status, 416);
});

test('documents are escaped XML with the declaration; characters XML cannot hold are replaced', () => {
  const xml = s3Xml('Error', { Code: 'InvalidArgument', Message: 'a <b> & "c"\u0000', Key: undefined }, { namespace: false });
  assert.ok(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?><Error>'));
  const parsed = new XMLParser().parse(xml);
  assert.deepEqual(parsed.Error, { Code: 'InvalidArgument', Message: 'a <b> & "c"\uFFFD' });
  assert.match(s3Xml('ListBucketResult', { Name: 'x' }), /<ListBucketResult xmlns="http:\/\/s3\.amazonaws\.com\/doc\/2006-03-01\/">/);
});
