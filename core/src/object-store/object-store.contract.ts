// The one contract every ObjectStore adapter passes (DESIGN.md §2): the local
// filesystem here, and S3 through moto's real S3 server in core/test. It knows no
// backend: continuation tokens and upload ids are opaque, ETags are compared only
// for equality (except the multipart form, which S3 defines), and every listing
// is checked against a brute-force evaluation of S3's rules over the keys written
// (expectedListing below).
//
// Usage, in an adapter's test file:
//   objectStoreContract('filesystem', async () => ({ open: (prefix) => store scoped to prefix, close }));
// Each call of the factory must give a fresh, empty backend; open() may be called
// more than once on it, with different prefixes, to check that scopes are apart.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { NotFoundError, ValidationError } from '../errors.ts';
import { compareKeys, MIN_PART_SIZE } from './object-store-rules.ts';
import type { ListOptions, ObjectInfo, ObjectStore } from './object-store.port.ts';

export interface ObjectStoreBackend {
  /** A store scoped to `prefix` (ending with `/`) of this backend. */
  open(prefix: string): ObjectStore | Promise<ObjectStore>;
  close(): Promise<void>;
}

type OpenBackend = () => Promise<ObjectStoreBackend>;

const SCOPE = 'alice/rainfall/';
const MiB = 1024 * 1024;

// ------------------------------------------------------------------ helpers

// The memory case measures what a store keeps, not how fast the collector runs:
// it collects garbage before each sample, so that RSS counts live bytes only.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

async function withStore(openBackend: OpenBackend, run: (store: ObjectStore, backend: ObjectStoreBackend) => Promise<void>): Promise<void> {
  const backend = await openBackend();
  try {
    await run(await backend.open(SCOPE), backend);
  } finally {
    await backend.close();
  }
}

async function bytesOf(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function read(store: ObjectStore, key: string): Promise<Buffer | undefined> {
  const got = await store.get(key);
  return got && (await bytesOf(got.body));
}

const md5 = (bytes: Buffer) => createHash('md5').update(bytes).digest('hex');

/** Every byte value, then pseudo-random bytes: what a text-mode bug would mangle. */
function binary(size: number, seed = 1): Buffer {
  const bytes = Buffer.alloc(size);
  let x = seed;
  for (let i = 0; i < size; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    bytes[i] = i < 256 ? i : x >>> 24;
  }
  return bytes;
}

/** A body that sends `bytes` in chunks of at most 64 KiB, then fails. */
function failingBody(bytes: Buffer): Readable {
  return Readable.from((function* chunks() {
    for (let at = 0; at < bytes.length; at += 64 * 1024) yield bytes.subarray(at, at + 64 * 1024);
    throw new Error('the client went away');
  })());
}

const put = (store: ObjectStore, key: string, bytes: Buffer | string) => {
  const body = Buffer.from(bytes);
  return store.put(key, Readable.from([body]), { contentLength: body.length });
};

async function listAll(store: ObjectStore, options: ListOptions = {}): Promise<{ keys: string[]; prefixes: string[]; objects: ObjectInfo[] }> {
  const objects: ObjectInfo[] = [];
  const prefixes: string[] = [];
  let continuationToken: string | undefined;
  for (let pages = 0; ; pages++) {
    assert.ok(pages < 1000, 'listing ends');
    const page = await store.list({ ...options, continuationToken });
    objects.push(...page.objects);
    prefixes.push(...page.commonPrefixes);
    if (options.maxKeys !== undefined) assert.ok(page.objects.length + page.commonPrefixes.length <= options.maxKeys, 'a page holds at most maxKeys entries');
    if (!page.isTruncated) {
      assert.equal(page.nextContinuationToken, undefined, 'the last page has no continuation token');
      break;
    }
    assert.ok(page.nextContinuationToken, 'a truncated page has a continuation token');
    assert.ok(page.objects.length + page.commonPrefixes.length > 0, 'a truncated page is not empty');
    continuationToken = page.nextContinuationToken;
  }
  return { keys: objects.map((o) => o.key), prefixes, objects };
}

/** S3's ListObjectsV2, by brute force: the keys and common prefixes a listing returns, in order, all pages together. */
function expectedListing(keys: string[], options: ListOptions): { keys: string[]; prefixes: string[] } {
  const { prefix = '', delimiter, startAfter = '' } = options;
  const entries: { entry: string; prefix: boolean }[] = [];
  for (const key of [...keys].sort(compareKeys)) {
    if (!key.startsWith(prefix) || compareKeys(key, startAfter) <= 0) continue;
    const at = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
    if (at < 0) entries.push({ entry: key, prefix: false });
    else {
      const common = key.slice(0, at + delimiter!.length);
      // A common prefix is listed only when it sorts after start-after itself (which makes a continuation token of it work).
      if (entries.at(-1)?.entry !== common && compareKeys(common, startAfter) > 0) entries.push({ entry: common, prefix: true });
    }
  }
  return { keys: entries.filter((e) => !e.prefix).map((e) => e.entry), prefixes: entries.filter((e) => e.prefix).map((e) => e.entry) };
}

/** Checks one listing, whole and paged through every small page size, against expectedListing. */
async function checkListing(store: ObjectStore, keys: string[], options: ListOptions): Promise<void> {
  const expected = expectedListing(keys, options);
  const label = JSON.stringify(options);
  const whole = await store.list(options);
  assert.deepEqual(whole.objects.map((o) => o.key), expected.keys, `${label}: keys`);
  assert.deepEqual(whole.commonPrefixes, expected.prefixes, `${label}: common prefixes`);
  assert.equal(whole.isTruncated, false, label);
  for (const maxKeys of [1, 2, 3]) {
    const paged = await listAll(store, { ...options, maxKeys });
    assert.deepEqual(paged.keys, expected.keys, `${label} in pages of ${maxKeys}: keys`);
    assert.deepEqual(paged.prefixes, expected.prefixes, `${label} in pages of ${maxKeys}: common prefixes`);
  }
}

const isValidation = (pattern?: RegExp) => (error: unknown) => {
  assert.ok(error instanceof ValidationError, `expected a ValidationError, got ${String(error)}`);
  if (pattern) assert.match(error.message, pattern);
  return true;
};

const isNotFound = (error: unknown) => {
  assert.ok(error instanceof NotFoundError, `expected a NotFoundError, got ${String(error)}`);
  return true;
};

// Keys chosen so that a directory walk sorted by name, or JS string order, gives
// the wrong order: `a-b` < `a.b` < `a/…` < `a0` in bytes; U+E000 sorts before
// U+1D11E in UTF-8 but after it in UTF-16. No key is also a "folder" of others,
// which a filesystem cannot hold.
const LISTING_KEYS = [
  'a-b', 'a.b', 'a/b-c', 'a/b.c', 'a/b/c', 'a/b/d/e.txt', 'a/b0', 'a/bc', 'a0', 'A', 'B/x', 'b', 'catalog.json',
  'e', 'é', 'é-x/1', 'f/日本.txt', 'f/日本/data.bin', 'f/日', 'space dir/file name.txt', 'space dir/x y', 'z/\uE000', 'z/𝄞', 'z/~',
];

const LISTINGS: ListOptions[] = [
  {},
  { delimiter: '/' },
  { prefix: 'a' },
  { prefix: 'a', delimiter: '/' },
  { prefix: 'a/' },
  { prefix: 'a/', delimiter: '/' },
  { prefix: 'a/b', delimiter: '/' },
  { prefix: 'a/b/', delimiter: '/' },
  { prefix: 'f/日', delimiter: '/' },
  { prefix: 'f/日本' },
  { prefix: 'space dir/' },
  { prefix: 'é' },
  { prefix: 'nothing-here/' },
  { startAfter: 'a/b/c' },
  { startAfter: 'a/b/c', delimiter: '/' },
  { startAfter: 'a/b/c', prefix: 'a/', delimiter: '/' },
  { startAfter: 'a/', delimiter: '/' },
  { startAfter: 'a', delimiter: '/' },
  { startAfter: 'a/b', prefix: 'a/b' },
  { startAfter: 'b', delimiter: '/' },
  { startAfter: 'z/~' },
  { startAfter: 'f/日本/data.bin', prefix: 'f/' },
  { delimiter: '.' },
];

// ------------------------------------------------------------------ the contract

export function objectStoreContract(name: string, openBackend: OpenBackend): void {
  describe(`object store contract: ${name}`, () => {
    test('put, head, get and list agree on a binary object', async () => {
      await withStore(openBackend, async (store) => {
        const bytes = binary(70_000);
        const before = Date.now();
        const written = await put(store, 'scenes/2024/a.tif', bytes);
        assert.equal(written.key, 'scenes/2024/a.tif');
        assert.equal(written.size, bytes.length);
        assert.match(written.etag, /^"[^"]+"$/, 'the ETag is quoted');
        assert.ok(written.lastModified instanceof Date);
        assert.ok(Math.abs(written.lastModified.getTime() - before) < 3_600_000, 'lastModified is the time of writing');

        const head = await store.head('scenes/2024/a.tif');
        assert.deepEqual({ ...head, contentType: undefined }, { ...written, contentType: undefined });
        const got = await store.get('scenes/2024/a.tif');
        assert.ok(got);
        assert.equal(got.range, undefined);
        assert.equal(got.info.etag, written.etag);
        assert.equal(got.info.size, bytes.length);
        assert.ok((await bytesOf(got.body)).equals(bytes), 'the bytes come back unchanged');
        const listed = await store.list();
        assert.deepEqual(listed.objects.map((o) => [o.key, o.size, o.etag]), [['scenes/2024/a.tif', bytes.length, written.etag]]);
        assert.equal(listed.objects[0].lastModified.getTime(), written.lastModified.getTime());
      });
    });

    test('an empty object, and the content type when the backend keeps one', async () => {
      await withStore(openBackend, async (store) => {
        const empty = await store.put('empty', Readable.from([]), { contentType: 'application/octet-stream' });
        assert.equal(empty.size, 0);
        assert.deepEqual(await read(store, 'empty'), Buffer.alloc(0));
        await store.put('scene.tif', Readable.from([Buffer.from('II*\0')]), { contentType: 'image/tiff; application=geotiff' });
        const type = (await store.head('scene.tif'))?.contentType;
        assert.ok(type === undefined || type === 'image/tiff; application=geotiff', `stored as given, or not at all: ${type}`);
      });
    });

    test('a missing key: head and get say undefined', async () => {
      await withStore(openBackend, async (store) => {
        await put(store, 'a/b.txt', 'x');
        assert.equal(await store.head('a/c.txt'), undefined);
        assert.equal(await store.get('a/c.txt'), undefined);
        assert.equal(await store.head('a'), undefined, 'a folder is not an object');
        assert.equal(await store.get('a'), undefined);
      });
    });

    test('ranges: first byte, last byte, middle, whole', async () => {
      await withStore(openBackend, async (store) => {
        const bytes = binary(10_000, 7);
        const { etag } = await put(store, 'r.bin', bytes);
        for (const [start, end] of [[0, 0], [9_999, 9_999], [1_000, 4_999], [0, 9_999], [256, 257]]) {
          const got = await store.get('r.bin', { range: { start, end } });
          assert.ok(got);
          assert.deepEqual(got.range, { start, end });
          assert.equal(got.info.size, bytes.length, 'info describes the whole object');
          assert.equal(got.info.etag, etag);
          assert.ok((await bytesOf(got.body)).equals(bytes.subarray(start, end + 1)), `bytes ${start}-${end}`);
        }
      });
    });

    test('listing: UTF-8 binary order, prefixes mid-name, delimiters, start-after, and paging through every page size', async () => {
      await withStore(openBackend, async (store) => {
        for (const key of LISTING_KEYS) await put(store, key, `body of ${key}`);
        const all = await listAll(store);
        assert.deepEqual(all.keys, [...LISTING_KEYS].sort(compareKeys));
        for (const object of all.objects) assert.equal(object.size, Buffer.byteLength(`body of ${object.key}`));
        assert.ok(compareKeys('z/\uE000', 'z/𝄞') < 0 && !('z/\uE000' < 'z/𝄞'), 'the keys tell UTF-8 from UTF-16 order');
        for (const options of LISTINGS) await checkListing(store, LISTING_KEYS, options);
        // Spot checks of the oracle itself, so that a mistake there cannot hide one in an adapter.
        assert.deepEqual(expectedListing(LISTING_KEYS, { prefix: 'a/b', delimiter: '/' }), { keys: ['a/b-c', 'a/b.c', 'a/b0', 'a/bc'], prefixes: ['a/b/'] });
        assert.deepEqual(expectedListing(LISTING_KEYS, { prefix: 'f/日', delimiter: '/' }), { keys: ['f/日', 'f/日本.txt'], prefixes: ['f/日本/'] });
        assert.deepEqual(expectedListing(LISTING_KEYS, { startAfter: 'a/b/c', delimiter: '/' }).prefixes, ['f/', 'space dir/', 'z/', 'é-x/']);
      });
    });

    test('listing: maxKeys counts objects and common prefixes together', async () => {
      await withStore(openBackend, async (store) => {
        for (const key of ['a/1', 'a/2', 'b', 'c/1', 'd']) await put(store, key, key);
        const first = await store.list({ delimiter: '/', maxKeys: 2 });
        assert.deepEqual(first.commonPrefixes, ['a/']);
        assert.deepEqual(first.objects.map((o) => o.key), ['b']);
        assert.equal(first.isTruncated, true);
        const second = await store.list({ delimiter: '/', maxKeys: 2, continuationToken: first.nextContinuationToken });
        assert.deepEqual(second.commonPrefixes, ['c/']);
        assert.deepEqual(second.objects.map((o) => o.key), ['d']);
        assert.equal(second.isTruncated, false);
        const exact = await store.list({ maxKeys: 5 });
        assert.equal(exact.objects.length, 5);
        assert.equal(exact.isTruncated, false, 'a page that holds the last key exactly is not truncated');
      });
    });

    test('a put whose body fails half-way leaves the old object, or none, and lists nothing new', async () => {
      await withStore(openBackend, async (store) => {
        const old = await put(store, 'doc.bin', 'the old bytes');
        // More than one S3 part, so that a multipart upload is under way when the body fails.
        const big = binary(6 * MiB, 3);
        await assert.rejects(store.put('doc.bin', failingBody(big)), /the client went away/);
        assert.deepEqual(await read(store, 'doc.bin'), Buffer.from('the old bytes'));
        assert.equal((await store.head('doc.bin'))?.etag, old.etag);
        await assert.rejects(store.put('new.bin', failingBody(big.subarray(0, 100_000))), /the client went away/);
        await assert.rejects(store.put('other/new.bin', failingBody(big)), /the client went away/);
        assert.equal(await store.head('new.bin'), undefined);
        assert.equal(await store.head('other/new.bin'), undefined);
        const listed = await listAll(store);
        assert.deepEqual(listed.keys, ['doc.bin']);
        assert.deepEqual((await store.list({ delimiter: '/' })).commonPrefixes, []);
      });
    });

    test('a body shorter or longer than its given length is refused, and nothing is stored', async () => {
      await withStore(openBackend, async (store) => {
        await put(store, 'kept.txt', 'kept');
        await assert.rejects(store.put('kept.txt', Readable.from([Buffer.from('four')]), { contentLength: 5 }), isValidation(/4 bytes/));
        await assert.rejects(store.put('long.txt', Readable.from([Buffer.from('sixsix')]), { contentLength: 5 }), isValidation());
        assert.deepEqual(await read(store, 'kept.txt'), Buffer.from('kept'));
        assert.equal(await store.head('long.txt'), undefined);
        const uploadId = await store.createMultipartUpload('m.bin');
        await assert.rejects(store.uploadPart('m.bin', uploadId, 1, Readable.from([Buffer.from('abc')]), 4), isValidation());
        assert.deepEqual((await store.listParts('m.bin', uploadId)).parts, []);
        await store.abortMultipartUpload('m.bin', uploadId);
      });
    });

    test('overwriting replaces the bytes and changes the ETag; the ETag is stable while the bytes are', async () => {
      await withStore(openBackend, async (store) => {
        const first = await put(store, 'x.txt', 'version one');
        assert.equal((await store.head('x.txt'))?.etag, first.etag);
        assert.equal((await store.head('x.txt'))?.etag, first.etag);
        const second = await put(store, 'x.txt', 'version two');
        assert.notEqual(second.etag, first.etag);
        assert.equal((await store.head('x.txt'))?.etag, second.etag);
        const got = await store.get('x.txt');
        got?.body.destroy(); // a body that is not read is destroyed, or it holds its file or connection
        assert.equal(got?.info.etag, second.etag);
        assert.equal((await store.list()).objects[0].etag, second.etag);
        assert.deepEqual(await read(store, 'x.txt'), Buffer.from('version two'));
      });
    });

    test('delete says whether there was an object, and is idempotent', async () => {
      await withStore(openBackend, async (store) => {
        await put(store, 'deep/er/x.txt', 'x');
        await put(store, 'deep/y.txt', 'y');
        assert.equal(await store.delete('deep/er/x.txt'), true);
        assert.equal(await store.delete('deep/er/x.txt'), false);
        assert.equal(await store.delete('never/was'), false);
        assert.equal(await store.head('deep/er/x.txt'), undefined);
        assert.deepEqual((await listAll(store)).keys, ['deep/y.txt']);
        assert.deepEqual((await store.list({ prefix: 'deep/', delimiter: '/' })).commonPrefixes, [], 'no folder is left behind');
        assert.equal(await store.delete('deep/y.txt'), true);
        assert.deepEqual((await listAll(store)).keys, []);
        // The key can be written again after its folders went away.
        await put(store, 'deep/er/x.txt', 'again');
        assert.deepEqual(await read(store, 'deep/er/x.txt'), Buffer.from('again'));
      });
    });

    test('copy makes an independent object; a missing source gives undefined', async () => {
      await withStore(openBackend, async (store) => {
        const bytes = binary(50_000, 9);
        await put(store, 'src/a.bin', bytes);
        await put(store, 'dst/b.bin', 'to be replaced');
        const copied = await store.copy('src/a.bin', 'dst/b.bin');
        assert.ok(copied);
        assert.equal(copied.key, 'dst/b.bin');
        assert.equal(copied.size, bytes.length);
        assert.equal((await store.head('dst/b.bin'))?.etag, copied.etag);
        assert.ok((await read(store, 'dst/b.bin'))?.equals(bytes));
        assert.ok((await read(store, 'src/a.bin'))?.equals(bytes), 'the source stays');
        assert.equal(await store.copy('src/missing', 'dst/c.bin'), undefined);
        assert.equal(await store.head('dst/c.bin'), undefined);
        await store.delete('src/a.bin');
        assert.ok((await read(store, 'dst/b.bin'))?.equals(bytes), 'the copy outlives its source');
      });
    });

    test('multipart: parts are invisible until completed, then the object is their concatenation with an S3 multipart ETag', async () => {
      await withStore(openBackend, async (store) => {
        const parts = [binary(MIN_PART_SIZE, 11), binary(MIN_PART_SIZE + 1, 12), binary(1234, 13)];
        const uploadId = await store.createMultipartUpload('big/object.bin', { contentType: 'application/x-test' });
        assert.equal(typeof uploadId, 'string');
        assert.ok(uploadId.length >= 16, 'upload ids are long enough not to be guessed');
        // Out of order, and part 2 sent twice: the later one counts.
        const uploaded = new Map<number, string>();
        for (const [n, bytes] of [[3, parts[2]], [2, binary(100, 99)], [1, parts[0]], [2, parts[1]]] as const) {
          const part = await store.uploadPart('big/object.bin', uploadId, n, Readable.from([bytes]), bytes.length);
          assert.equal(part.partNumber, n);
          assert.equal(part.size, bytes.length);
          assert.equal(part.etag, `"${md5(bytes)}"`, 'a part ETag is the MD5 of its bytes');
          uploaded.set(n, part.etag);
        }
        assert.equal(await store.head('big/object.bin'), undefined, 'not visible before completion');
        assert.deepEqual((await listAll(store)).keys, []);

        const all = await store.listParts('big/object.bin', uploadId);
        assert.deepEqual(all.parts.map((p) => [p.partNumber, p.etag, p.size]), [1, 2, 3].map((n) => [n, uploaded.get(n), parts[n - 1].length]));
        assert.equal(all.isTruncated, false);
        const paged: number[] = [];
        let marker: number | undefined;
        for (;;) {
          const page = await store.listParts('big/object.bin', uploadId, { maxParts: 1, partNumberMarker: marker });
          paged.push(...page.parts.map((p) => p.partNumber));
          if (!page.isTruncated) break;
          assert.equal(page.nextPartNumberMarker, page.parts.at(-1)?.partNumber);
          marker = page.nextPartNumberMarker;
        }
        assert.deepEqual(paged, [1, 2, 3]);

        const done = await store.completeMultipartUpload('big/object.bin', uploadId, [1, 2, 3].map((n) => ({ partNumber: n, etag: uploaded.get(n)! })));
        const whole = Buffer.concat(parts);
        const expectedEtag = `"${createHash('md5').update(Buffer.concat(parts.map((p) => createHash('md5').update(p).digest()))).digest('hex')}-3"`;
        assert.equal(done.etag, expectedEtag, 'MD5 of the part MD5s, then -3');
        assert.equal(done.size, whole.length);
        assert.equal(done.key, 'big/object.bin');
        assert.equal((await store.head('big/object.bin'))?.etag, expectedEtag);
        assert.equal((await store.list()).objects[0].etag, expectedEtag);
        const got = await store.get('big/object.bin');
        assert.ok(got);
        assert.equal(got.info.etag, expectedEtag);
        assert.equal(md5(await bytesOf(got.body)), md5(whole));
        const tail = await store.get('big/object.bin', { range: { start: MIN_PART_SIZE - 2, end: MIN_PART_SIZE + 1 } });
        assert.ok(tail);
        assert.ok((await bytesOf(tail.body)).equals(whole.subarray(MIN_PART_SIZE - 2, MIN_PART_SIZE + 2)), 'a range across a part boundary');
        await assert.rejects(store.listParts('big/object.bin', uploadId), isNotFound, 'a completed upload is gone');
      });
    });

    test('multipart: a single part, overwriting an object', async () => {
      await withStore(openBackend, async (store) => {
        await put(store, 'one.bin', 'before');
        const uploadId = await store.createMultipartUpload('one.bin');
        const part = await store.uploadPart('one.bin', uploadId, 1, Readable.from([Buffer.from('after')]));
        const done = await store.completeMultipartUpload('one.bin', uploadId, [{ partNumber: 1, etag: part.etag }]);
        assert.match(done.etag, /^"[0-9a-f]{32}-1"$/);
        assert.deepEqual(await read(store, 'one.bin'), Buffer.from('after'));
      });
    });

    test('multipart: abort forgets the upload; unknown upload ids are NotFoundErrors', async () => {
      await withStore(openBackend, async (store) => {
        const uploadId = await store.createMultipartUpload('gone.bin');
        const part = await store.uploadPart('gone.bin', uploadId, 1, Readable.from([Buffer.from('x')]), 1);
        await store.abortMultipartUpload('gone.bin', uploadId);
        await assert.rejects(store.listParts('gone.bin', uploadId), isNotFound);
        await assert.rejects(store.uploadPart('gone.bin', uploadId, 2, Readable.from([Buffer.from('y')]), 1), isNotFound);
        await assert.rejects(store.completeMultipartUpload('gone.bin', uploadId, [{ partNumber: 1, etag: part.etag }]), isNotFound);
        await assert.rejects(store.abortMultipartUpload('gone.bin', uploadId), isNotFound);
        assert.equal(await store.head('gone.bin'), undefined);
        for (const unknown of ['not-an-upload', 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', '../../etc']) {
          await assert.rejects(store.listParts('gone.bin', unknown), isNotFound, unknown);
        }
        const other = await store.createMultipartUpload('right.bin');
        await assert.rejects(store.listParts('wrong.bin', other), isNotFound, 'an upload id belongs to its key');
        await store.abortMultipartUpload('right.bin', other);
      });
    });

    test('multipart: completing with a wrong ETag, a missing part, parts out of order or a small part is a ValidationError', async () => {
      await withStore(openBackend, async (store) => {
        const uploadId = await store.createMultipartUpload('c.bin');
        const big = binary(MIN_PART_SIZE, 21);
        const p1 = await store.uploadPart('c.bin', uploadId, 1, Readable.from([big]), big.length);
        const p2 = await store.uploadPart('c.bin', uploadId, 2, Readable.from([Buffer.from('small')]), 5);
        const p3 = await store.uploadPart('c.bin', uploadId, 3, Readable.from([Buffer.from('last')]), 4);
        const wrong = `"${'0'.repeat(32)}"`;
        await assert.rejects(store.completeMultipartUpload('c.bin', uploadId, [{ partNumber: 1, etag: wrong }]), isValidation());
        await assert.rejects(store.completeMultipartUpload('c.bin', uploadId, [{ partNumber: 1, etag: p1.etag }, { partNumber: 4, etag: p3.etag }]), isValidation());
        await assert.rejects(store.completeMultipartUpload('c.bin', uploadId, [{ partNumber: 2, etag: p2.etag }, { partNumber: 1, etag: p1.etag }]), isValidation());
        await assert.rejects(store.completeMultipartUpload('c.bin', uploadId, [
          { partNumber: 1, etag: p1.etag }, { partNumber: 2, etag: p2.etag }, { partNumber: 3, etag: p3.etag },
        ]), isValidation(), 'every part but the last has at least 5 MiB');
        assert.equal(await store.head('c.bin'), undefined);
        // The upload survives a refused completion.
        const done = await store.completeMultipartUpload('c.bin', uploadId, [{ partNumber: 1, etag: p1.etag }, { partNumber: 3, etag: p3.etag }]);
        assert.equal(done.size, MIN_PART_SIZE + 4);
        assert.match(done.etag, /-2"$/);
      });
    });

    test('a 64 MiB put and get stream in constant memory', async () => {
      await withStore(openBackend, async (store) => {
        const size = 64 * MiB;
        const chunkSize = 64 * 1024;
        const pattern = binary(chunkSize, 5);
        const hash = createHash('md5');
        let peak = 0;
        const sample = () => {
          collectGarbage();
          peak = Math.max(peak, process.memoryUsage().rss);
        };
        // Socket-sized chunks, each a fresh buffer as a socket gives (a store that
        // kept them would keep them all), through a byte stream that reads ahead
        // only its 64 KiB high-water mark.
        const body = Readable.from((function* generate() {
          for (let i = 0; i < size / chunkSize; i++) {
            if (i % 32 === 0) sample();
            const piece = Buffer.from(pattern);
            piece.writeUInt32BE(i, 0);
            hash.update(piece);
            yield piece;
          }
        })(), { objectMode: false, highWaterMark: chunkSize });
        collectGarbage();
        const before = process.memoryUsage().rss;
        const written = await store.put('large.bin', body);
        sample();
        assert.equal(written.size, size);
        const writeGrowth = Math.max(0, peak - before);
        assert.ok(writeGrowth < size / 2, `put grew the process by ${(writeGrowth / MiB).toFixed(1)} MiB for a ${size / MiB} MiB object`);

        const got = await store.get('large.bin');
        assert.ok(got);
        const readHash = createHash('md5');
        collectGarbage();
        const readStart = process.memoryUsage().rss;
        peak = 0;
        let pieces = 0;
        for await (const piece of got.body) {
          readHash.update(piece as Buffer);
          if (pieces++ % 32 === 0) sample();
        }
        const readGrowth = Math.max(0, peak - readStart);
        assert.ok(readGrowth < size / 2, `get grew the process by ${(readGrowth / MiB).toFixed(1)} MiB for a ${size / MiB} MiB object`);
        assert.equal(readHash.digest('hex'), hash.digest('hex'), 'the bytes read are the bytes written');
        console.log(`# ${name}: a 64 MiB put grew RSS by ${(writeGrowth / MiB).toFixed(1)} MiB at most, a get by ${(readGrowth / MiB).toFixed(1)} MiB`);
      });
    });

    test('scopes: stores on different prefixes of one backend do not see each other', async () => {
      await withStore(openBackend, async (rainfall, backend) => {
        const rainfall2 = await backend.open('alice/rainfall-2/');
        const bob = await backend.open('bob/rainfall/');
        await put(rainfall, 'data/x.csv', 'rainfall');
        await put(rainfall2, 'data/x.csv', 'rainfall-2');
        await put(bob, 'y.csv', 'bob');
        assert.deepEqual(await read(rainfall, 'data/x.csv'), Buffer.from('rainfall'));
        assert.deepEqual(await read(rainfall2, 'data/x.csv'), Buffer.from('rainfall-2'));
        assert.equal(await rainfall.head('y.csv'), undefined);
        assert.deepEqual((await listAll(rainfall)).keys, ['data/x.csv']);
        assert.deepEqual((await listAll(rainfall2)).keys, ['data/x.csv']);
        assert.deepEqual((await listAll(bob)).keys, ['y.csv']);
        assert.deepEqual((await rainfall.list({ prefix: 'data' })).objects.map((o) => o.key), ['data/x.csv']);
        assert.equal(await rainfall.delete('y.csv'), false);
        assert.equal(await rainfall.delete('data/x.csv'), true);
        assert.deepEqual(await read(rainfall2, 'data/x.csv'), Buffer.from('rainfall-2'), 'a delete stays in its scope');
        assert.equal(await rainfall.copy('../rainfall-2/data/x.csv', 'stolen.csv').catch((e) => e instanceof ValidationError), true);
        const uploadId = await rainfall2.createMultipartUpload('m.bin');
        await assert.rejects(rainfall.listParts('m.bin', uploadId), isNotFound, 'an upload belongs to its scope');
        await rainfall2.abortMultipartUpload('m.bin', uploadId);
      });
    });

    test('hostile keys and arguments are refused before they reach the backend', async () => {
      await withStore(openBackend, async (store) => {
        const body = () => Readable.from([Buffer.from('x')]);
        for (const key of ['../escape', 'a/../../b', '/etc/passwd', 'a//b', 'a\\b', 'a\u0000b', '%2e%2e/x', '']) {
          await assert.rejects(store.put(key, body()), isValidation(), JSON.stringify(key));
          await assert.rejects(store.head(key), isValidation(), JSON.stringify(key));
          await assert.rejects(store.get(key), isValidation(), JSON.stringify(key));
          await assert.rejects(store.delete(key), isValidation(), JSON.stringify(key));
          await assert.rejects(store.createMultipartUpload(key), isValidation(), JSON.stringify(key));
        }
        await assert.rejects(store.list({ prefix: '../' }), isValidation());
        await assert.rejects(store.list({ maxKeys: 0 }), isValidation());
        await assert.rejects(store.list({ maxKeys: 1001 }), isValidation());
        await put(store, 'r.bin', '0123456789');
        await assert.rejects(store.get('r.bin', { range: { start: 5, end: 10 } }), isValidation(), 'a range past the end');
        await assert.rejects(store.get('r.bin', { range: { start: 5, end: 4 } }), isValidation(), 'a reversed range');
        const uploadId = await store.createMultipartUpload('p.bin');
        for (const n of [0, 10_001, 1.5]) await assert.rejects(store.uploadPart('p.bin', uploadId, n, body()), isValidation(), `part ${n}`);
        await assert.rejects(store.completeMultipartUpload('p.bin', uploadId, []), isValidation());
        await store.abortMultipartUpload('p.bin', uploadId);
        assert.deepEqual((await listAll(store)).keys, ['r.bin']);
      });
    });
  });
}
