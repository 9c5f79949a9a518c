import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { open, seal, SecretBoxError } from './secret-box.ts';

const key = randomBytes(32);
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

/** Flips one bit of the byte at `index` of a base64url part. */
function flip(part: string, index = 0): string {
  const bytes = Buffer.from(part, 'base64url');
  bytes[index] ^= 1;
  return bytes.toString('base64url');
}

test('round trip: what is sealed opens with the same key and associated data', () => {
  for (const plaintext of [SECRET, '', 'ünïcödé ✓', 'x'.repeat(10_000)]) {
    const sealed = seal(key, plaintext, 'api-key:MRDNAAAAAAAAAAAAAAAA');
    assert.match(sealed, /^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]{22}$/);
    assert.equal(open(key, sealed, 'api-key:MRDNAAAAAAAAAAAAAAAA'), plaintext);
  }
});

test('the plaintext is not in the sealed form, and each sealing uses a fresh nonce', () => {
  const one = seal(key, SECRET, 'r');
  const two = seal(key, SECRET, 'r');
  assert.notEqual(one, two);
  assert.notEqual(one.split('.')[1], two.split('.')[1], 'nonces differ');
  for (const sealed of [one, two]) {
    assert.ok(!sealed.includes(SECRET));
    assert.ok(!sealed.includes(Buffer.from(SECRET).toString('base64url')));
    assert.ok(!sealed.includes(Buffer.from(SECRET).toString('base64')));
  }
});

test('tampering with any part is an error, never another plaintext', () => {
  const sealed = seal(key, SECRET, 'r');
  const [version, nonce, ciphertext, tag] = sealed.split('.');
  const tampered = [
    [version, flip(nonce), ciphertext, tag],
    [version, nonce, flip(ciphertext), tag],
    [version, nonce, flip(ciphertext, 39), tag],
    [version, nonce, ciphertext, flip(tag)],
    [version, nonce, ciphertext, flip(tag, 15)],
    [version, nonce, ciphertext.slice(0, -4), tag],
    [version, nonce, ciphertext + 'AAAA', tag],
  ].map((parts) => parts.join('.'));
  for (const t of tampered) assert.throws(() => open(key, t, 'r'), SecretBoxError, t);
  for (const malformed of ['', 'v2' + sealed.slice(2), sealed.replace(/\./g, ':'), `${version}.${nonce}.${ciphertext}`, `${sealed}.x`]) {
    assert.throws(() => open(key, malformed, 'r'), SecretBoxError, malformed);
  }
});

test('another record (associated data) or another key cannot open it', () => {
  const sealed = seal(key, SECRET, 'api-key:MRDNAAAAAAAAAAAAAAAA');
  assert.throws(() => open(key, sealed, 'api-key:MRDNAAAAAAAAAAAAAAAB'), SecretBoxError);
  assert.throws(() => open(key, sealed, 'data-connection:MRDNAAAAAAAAAAAAAAAA'), SecretBoxError);
  assert.throws(() => open(randomBytes(32), sealed, 'api-key:MRDNAAAAAAAAAAAAAAAA'), SecretBoxError);
  const nearly = Buffer.from(key);
  nearly[31] ^= 0x80;
  assert.throws(() => open(nearly, sealed, 'api-key:MRDNAAAAAAAAAAAAAAAA'), SecretBoxError);
});

test('a key that is not 32 bytes is refused', () => {
  assert.throws(() => seal(randomBytes(16), SECRET, 'r'), /32 bytes/);
  assert.throws(() => open(randomBytes(31), seal(key, SECRET, 'r'), 'r'), /32 bytes/);
});
