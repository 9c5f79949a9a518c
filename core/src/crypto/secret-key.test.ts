import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../config/config.ts';
import { resolveSecretKey, secretKeyFile, secretKeyOf } from './secret-key.ts';

const fresh = () => mkdtempSync(join(tmpdir(), 'meridian-secret-key-'));

test('without SECRET_KEY a key is generated once into DATA_DIR/secret-key, owner-only, and reused', () => {
  const dataDir = join(fresh(), 'not-yet-there');
  const config = loadConfig({ DATA_DIR: dataDir });
  assert.equal(config.secretKey, undefined);
  const key = resolveSecretKey(config);
  assert.equal(key.length, 32);
  const file = secretKeyFile(config);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.deepEqual(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64'), key);
  assert.deepEqual(resolveSecretKey(loadConfig({ DATA_DIR: dataDir })), key, 'the same key after a restart');
  assert.deepEqual(readdirSync(dataDir), ['secret-key'], 'no temporary file is left behind');
});

test('SECRET_KEY, standard or URL-safe base64, wins over the file and writes none', () => {
  const dataDir = fresh();
  const bytes = randomBytes(32);
  for (const encoded of [bytes.toString('base64'), bytes.toString('base64url'), bytes.toString('base64').replace(/=$/, '')]) {
    const config = loadConfig({ DATA_DIR: dataDir, SECRET_KEY: encoded });
    assert.deepEqual(resolveSecretKey(config), bytes);
  }
  assert.deepEqual(readdirSync(dataDir), []);
});

test('an invalid SECRET_KEY stops start-up without quoting it', () => {
  for (const bad of ['short', randomBytes(16).toString('base64'), randomBytes(33).toString('base64'), `${randomBytes(32).toString('base64')}x`, 'not base64 at all, but forty-four chars!!!!']) {
    assert.throws(() => loadConfig({ SECRET_KEY: bad }), (error: Error) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /^SECRET_KEY is invalid: expected the base64 encoding of 32 random bytes/);
      assert.ok(!error.message.includes(bad), 'the value is not quoted');
      return true;
    });
  }
});

test('a damaged key file is an error that names it, not a new key', () => {
  const dataDir = fresh();
  writeFileSync(join(dataDir, 'secret-key'), 'garbage\n');
  assert.throws(() => resolveSecretKey(loadConfig({ DATA_DIR: dataDir })), /secret-key does not hold a secret key/);
  assert.equal(readFileSync(join(dataDir, 'secret-key'), 'utf8'), 'garbage\n');
});

test('secretKeyOf resolves once per configuration', () => {
  const config = loadConfig({ DATA_DIR: fresh() });
  const key = secretKeyOf(config);
  assert.equal(secretKeyOf(config), key);
});
