import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readlinkSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { ConflictError, ValidationError } from '../errors.ts';
import { FilesystemObjectStore } from './filesystem.object-store.ts';
import { objectStoreContract } from './object-store.contract.ts';
import { MIN_PART_SIZE } from './object-store-rules.ts';

objectStoreContract('filesystem', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'meridian-objects-'));
  const options = (prefix: string) => ({ root: join(dataDir, 'files', prefix), stagingDir: join(dataDir, 'staging') });
  return {
    open: (prefix: string) => new FilesystemObjectStore(options(prefix)),
    close: () => rm(dataDir, { recursive: true, force: true }),
  };
});

describe('filesystem object store', () => {
  let dataDir = '';
  let cases = 0;
  before(async () => { dataDir = await mkdtemp(join(tmpdir(), 'meridian-fs-store-')); });
  after(() => rm(dataDir, { recursive: true, force: true }));

  /** A fresh root and staging directory for one case. */
  function fresh() {
    const base = join(dataDir, `case-${++cases}`);
    const root = join(base, 'files', 'alice', 'rainfall');
    const stagingDir = join(base, 'staging');
    return { base, root, stagingDir, store: new FilesystemObjectStore({ root, stagingDir }) };
  }

  const body = (text: string) => Readable.from([Buffer.from(text)]);
  const keys = async (store: FilesystemObjectStore) => (await store.list()).objects.map((o) => o.key);

  test('files dropped in by hand are objects; their ETag changes when they are rewritten in place', async () => {
    const { root, store } = fresh();
    await mkdir(join(root, 'scenes'), { recursive: true });
    await writeFile(join(root, 'scenes', 'a.txt'), 'by hand');
    const first = await store.head('scenes/a.txt');
    assert.ok(first);
    assert.equal(first.size, 7);
    assert.equal(first.contentType, undefined, 'the filesystem keeps no content type');
    assert.deepEqual(await keys(store), ['scenes/a.txt']);
    // Same size, same inode, only the bytes and the time differ.
    await writeFile(join(root, 'scenes', 'a.txt'), 'BY HAND');
    await utimes(join(root, 'scenes', 'a.txt'), new Date(), new Date(Date.now() + 5_000));
    assert.notEqual((await store.head('scenes/a.txt'))?.etag, first.etag);
  });

  test('symbolic links are never followed: listings skip them, reads see nothing, writes through them are refused', async () => {
    const { base, root, store } = fresh();
    const outside = join(base, 'outside');
    await mkdir(outside, { recursive: true });
    await writeFile(join(outside, 'secret.txt'), 'secret');
    await mkdir(root, { recursive: true });
    await symlink(join(outside, 'secret.txt'), join(root, 'link.txt'));
    await symlink(outside, join(root, 'linked-dir'));
    await store.put('real.txt', body('real'));

    assert.deepEqual(await keys(store), ['real.txt']);
    assert.deepEqual((await store.list({ delimiter: '/' })).commonPrefixes, []);
    assert.equal(await store.head('link.txt'), undefined);
    assert.equal(await store.get('link.txt'), undefined);
    assert.equal(await store.head('linked-dir/secret.txt'), undefined);
    assert.equal(await store.get('linked-dir/secret.txt'), undefined);
    assert.deepEqual((await store.list({ prefix: 'linked-dir/' })).objects, []);
    assert.equal(await store.delete('link.txt'), false);
    assert.equal(await store.delete('linked-dir/secret.txt'), false);
    assert.equal(await store.copy('linked-dir/secret.txt', 'stolen.txt'), undefined);
    await assert.rejects(store.put('linked-dir/planted.txt', body('x')), (error) => error instanceof ValidationError && /symbolic link/.test(error.message));
    assert.equal(existsSync(join(outside, 'planted.txt')), false, 'nothing was written outside the root');
    assert.equal(await readFile(join(outside, 'secret.txt'), 'utf8'), 'secret');
    assert.ok(existsSync(join(root, 'link.txt')), 'the link itself is left alone');
    await store.put('link.txt', body('replaces the link'));
    assert.equal(await readFile(join(outside, 'secret.txt'), 'utf8'), 'secret', 'a put replaces a link, never writes through it');
    assert.deepEqual(await keys(store), ['link.txt', 'real.txt']);
  });

  test('a staging directory inside the root, names no key could have, and non-UTF-8 names are not listed', async () => {
    const base = join(dataDir, `case-${++cases}`);
    const root = join(base, 'files');
    const store = new FilesystemObjectStore({ root, stagingDir: join(root, '.staging') });
    await store.put('kept.txt', body('kept'));
    const uploadId = await store.createMultipartUpload('pending.bin');
    await store.uploadPart('pending.bin', uploadId, 1, body('part'));
    await writeFile(join(root, 'back\\slash.txt'), 'x');
    await writeFile(join(root, '%2e%2e'), 'x');
    await writeFile(Buffer.concat([Buffer.from(`${root}/`), Buffer.from([0x66, 0xff, 0x66])]), 'x');
    assert.ok((await readdir(root)).length >= 5);
    assert.deepEqual(await keys(store), ['kept.txt']);
  });

  test('a key cannot be both a file and a folder of other objects', async () => {
    const { store } = fresh();
    await store.put('a', body('file'));
    await assert.rejects(store.put('a/b', body('under a file')), ConflictError);
    await store.put('d/e', body('in a folder'));
    await assert.rejects(store.put('d', body('over a folder')), ConflictError);
    assert.deepEqual(await keys(store), ['a', 'd/e']);
  });

  test('failed writes leave no temporary files; deletes remove emptied folders up to the root', async () => {
    const { root, stagingDir, store } = fresh();
    const failing = Readable.from((function* chunks() {
      yield Buffer.from('half');
      throw new Error('gone');
    })());
    await assert.rejects(store.put('x/y/z.txt', failing), /gone/);
    assert.deepEqual(await readdir(join(stagingDir, 'tmp')), []);
    assert.equal(existsSync(join(root, 'x')), false, 'no folder for an object that was never stored');
    await store.put('x/y/z.txt', body('z'));
    await store.put('x/w.txt', body('w'));
    assert.equal(await store.delete('x/y/z.txt'), true);
    assert.equal(existsSync(join(root, 'x', 'y')), false);
    assert.ok(existsSync(join(root, 'x')));
    assert.equal(await store.delete('x/w.txt'), true);
    assert.equal(existsSync(join(root, 'x')), false);
    assert.ok(existsSync(root), 'the root itself stays');
  });

  test('a multipart object keeps its S3 ETag until its file is replaced by hand', async () => {
    const { root, stagingDir, store } = fresh();
    const uploadId = await store.createMultipartUpload('m.bin', { contentType: 'image/tiff' });
    assert.match(uploadId, /^[A-Za-z0-9_-]{32}$/);
    const record = JSON.parse(await readFile(join(stagingDir, 'uploads', uploadId, 'upload.json'), 'utf8'));
    assert.equal(record.contentType, 'image/tiff');
    const part = await store.uploadPart('m.bin', uploadId, 1, body('only part'));
    const done = await store.completeMultipartUpload('m.bin', uploadId, [{ partNumber: 1, etag: part.etag }]);
    assert.match(done.etag, /-1"$/);
    assert.equal(existsSync(join(stagingDir, 'uploads', uploadId)), false, 'the parts are gone');
    assert.equal((await store.head('m.bin'))?.etag, done.etag);
    await rm(join(root, 'm.bin'));
    await writeFile(join(root, 'm.bin'), 'replaced by hand');
    const replaced = await store.head('m.bin');
    assert.ok(replaced);
    assert.notEqual(replaced.etag, done.etag);
    assert.doesNotMatch(replaced.etag, /-1"$/);
  });

  test('parts smaller than 5 MiB may only come last; upload ids are not shared between scopes or keys', async () => {
    const { base, stagingDir, store } = fresh();
    const other = new FilesystemObjectStore({ root: join(base, 'files', 'bob', 'rainfall'), stagingDir });
    const uploadId = await store.createMultipartUpload('k.bin');
    await assert.rejects(other.uploadPart('k.bin', uploadId, 1, body('x')), /no multipart upload/);
    await assert.rejects(store.uploadPart('other.bin', uploadId, 1, body('x')), /no multipart upload/);
    const big = await store.uploadPart('k.bin', uploadId, 1, Readable.from([Buffer.alloc(MIN_PART_SIZE - 1)]));
    const last = await store.uploadPart('k.bin', uploadId, 2, body('x'));
    await assert.rejects(
      store.completeMultipartUpload('k.bin', uploadId, [{ partNumber: 1, etag: big.etag }, { partNumber: 2, etag: last.etag }]),
      /at least 5242880 bytes/,
    );
  });

  test('a continuation token that this store did not issue is a ValidationError', async () => {
    const { store } = fresh();
    await store.put('a', body('a'));
    for (const token of ['garbage', Buffer.from('{"v":2,"a":"x"}').toString('base64url'), Buffer.from('{"v":1}').toString('base64url')]) {
      await assert.rejects(store.list({ continuationToken: token }), /continuationToken is not one this store issued/);
    }
  });

  test('a store whose root does not exist yet is empty', async () => {
    const { store } = fresh();
    assert.deepEqual(await store.list(), { objects: [], commonPrefixes: [], isTruncated: false });
    assert.deepEqual(await store.list({ prefix: 'a/b/' }), { objects: [], commonPrefixes: [], isTruncated: false });
    assert.equal(await store.head('a'), undefined);
    assert.equal(await store.delete('a'), false);
  });

  test('writeTo sends what the read stream would, whole or ranged, then closes the file; a body is read once', async () => {
    const { root, store } = fresh();
    const bytes = randomBytes(3 * 1024 * 1024 + 17);
    await store.put('big.bin', Readable.from([bytes]));
    await store.put('empty.bin', Readable.from([]));
    const path = join(root, 'big.bin');
    const openOnIt = () => readdirSync('/proc/self/fd').filter((fd) => {
      try { return readlinkSync(`/proc/self/fd/${fd}`) === path; } catch { return false; }
    }).length;
    const written = async (key: string, range?: { start: number; end: number }) => {
      const got = await store.get(key, range ? { range } : {});
      assert.ok(got?.writeTo, 'the filesystem offers writeTo');
      const chunks: Buffer[] = [];
      await got.writeTo(new Writable({ write(chunk, _encoding, callback) { chunks.push(Buffer.from(chunk)); callback(); } }));
      return Buffer.concat(chunks);
    };
    assert.ok((await written('big.bin')).equals(bytes));
    for (const [start, end] of [[0, 0], [bytes.length - 1, bytes.length - 1], [1024 * 1024 - 1, 2 * 1024 * 1024]]) {
      assert.ok((await written('big.bin', { start, end })).equals(bytes.subarray(start, end + 1)), `bytes ${start}-${end}`);
    }
    assert.equal((await written('empty.bin')).length, 0);
    assert.equal(openOnIt(), 0, 'every writeTo closed the file');

    const got = await store.get('big.bin');
    got!.body.destroy();
    await assert.rejects(got!.writeTo!(new Writable({ write: (_c, _e, callback) => callback() })), /read once/);
  });
});
