import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ValidationError } from '../errors.ts';
import { checkDelimiter, checkMaxKeys, checkObjectKey, checkObjectPrefix, checkStartAfter, MAX_KEY_BYTES } from './object-key.ts';

// [key, what the message must say]
const HOSTILE: [string, RegExp][] = [
  ['', /non-empty/],
  ['..', /"\." or "\.\." segment/],
  ['.', /"\." or "\.\." segment/],
  ['../etc/passwd', /"\." or "\.\." segment/],
  ['a/../../b', /"\." or "\.\." segment/],
  ['a/./b', /"\." or "\.\." segment/],
  ['a/..', /"\." or "\.\." segment/],
  ['a//b', /empty segment/],
  ['a/', /empty segment/],
  ['/etc/passwd', /starts with \//],
  ['/', /starts with \//],
  ['a\\..\\b', /backslash/],
  ['a\\b', /backslash/],
  ['a\u0000b', /control character/],
  ['a\nb', /control character/],
  ['a\tb', /control character/],
  ['a\u007fb', /control character/],
  ['a\u0085b', /control character/],
  ['%2e%2e/secret', /%2e/],
  ['a/%2E%2E/b', /%2E/],
  ['a%2fb', /%2f/],
  ['a%2Fb', /%2F/],
  ['a%5cb', /%5c/],
  ['x'.repeat(MAX_KEY_BYTES + 1), /longer than 1024 bytes/],
  ['é'.repeat(MAX_KEY_BYTES / 2 + 1), /longer than 1024 bytes/],
  ['a\ud800b', /lone UTF-16 surrogate/],
  ['a\udc00', /lone UTF-16 surrogate/],
];

const FINE = [
  'a', 'scenes/2024/a.tif', 'a-b', 'a.b', '.hidden', '...', '..a', 'a..', 'a b/c d.txt', 'Ünïcödé/日本/é', 'emoji/🌍.json',
  'percent/100%.txt', 'percent/%41', 'x'.repeat(MAX_KEY_BYTES), 'é'.repeat(MAX_KEY_BYTES / 2), 'a+b=c&d', 'catalog.json',
];

describe('checkObjectKey', () => {
  for (const [key, message] of HOSTILE) {
    test(`refuses ${JSON.stringify(key.slice(0, 30))}`, () => {
      assert.throws(() => checkObjectKey(key), (error: unknown) => {
        assert.ok(error instanceof ValidationError);
        assert.match(error.message, message);
        return true;
      });
    });
  }
  test('accepts ordinary keys, returning them unchanged', () => {
    for (const key of FINE) assert.equal(checkObjectKey(key), key);
  });
  test('names the field and shows the key, shortened', () => {
    assert.throws(() => checkObjectKey('a//b', 'sourceKey'), /^ValidationError: sourceKey "a\/\/b" is not a valid object key/);
    assert.throws(() => checkObjectKey(`${'y'.repeat(200)}/../x`), (error: Error) => error.message.length < 200);
  });
  test('refuses what is not a string', () => {
    assert.throws(() => checkObjectKey(undefined as unknown as string), ValidationError);
  });
});

describe('checkObjectPrefix', () => {
  test('accepts the empty prefix, whole segments and a partial last name', () => {
    for (const prefix of ['', 'a/', 'a/b/', 'a/b', 'scenes/2024-0', 'é', 'a/.h', 'a/..b']) assert.equal(checkObjectPrefix(prefix), prefix);
  });
  test('refuses what a key refuses, except a trailing /', () => {
    for (const prefix of ['/', '/a/', 'a//', 'a/.', '.', 'a//b/', '../', 'a/../', 'a/..', 'a\\', 'a\u0000', '%2e%2e/', 'a\ud800/']) {
      assert.throws(() => checkObjectPrefix(prefix), ValidationError, prefix);
    }
  });
});

describe('list options', () => {
  test('startAfter is any key-like text', () => {
    assert.equal(checkStartAfter('a/b'), 'a/b');
    assert.equal(checkStartAfter(''), '');
    assert.throws(() => checkStartAfter('a\u0000'), /control character/);
  });
  test('delimiter is non-empty text without control characters', () => {
    assert.equal(checkDelimiter('/'), '/');
    assert.equal(checkDelimiter('.tif'), '.tif');
    assert.throws(() => checkDelimiter(''), /non-empty/);
    assert.throws(() => checkDelimiter('\n'), /not a valid delimiter/);
  });
  test('maxKeys is 1 to 1000, 1000 by default', () => {
    assert.equal(checkMaxKeys(undefined), 1000);
    assert.equal(checkMaxKeys(1), 1);
    for (const bad of [0, 1001, 1.5, -1, Number.NaN]) assert.throws(() => checkMaxKeys(bad), /from 1 to 1000/);
  });
});
