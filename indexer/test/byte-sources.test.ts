// Byte sources over a local file and over HTTP range requests to a real loopback
// server: exact bytes, counted requests, the read cap refusing before any read,
// servers that ignore Range, ranges past the end, redirects not followed, the
// auth header sent and never shown.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { blockCached, checkedRange, readText, readWhole, TooLargeError } from '../src/extract/byte-source.ts';
import { fileByteSource } from '../src/extract/file.byte-source.ts';
import { httpByteSource, HttpReadError } from '../src/extract/http.byte-source.ts';
import { startRangeServer, type RangeServer } from './support/range-server.ts';

const dir = mkdtempSync(join(tmpdir(), 'meridian-bytes-'));
const bytes = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7 + 3) % 251));
writeFileSync(join(dir, 'data.bin'), bytes);
writeFileSync(join(dir, 'empty.bin'), '');
writeFileSync(join(dir, 'doc.json'), '{"type":"Catalog"}');

let server: RangeServer;
before(async () => { server = await startRangeServer(dir, '/data/ada/sst/'); });
after(() => server.close());

test('a file source reads exact ranges, clamps at the end and counts what it read', async () => {
  const source = await fileByteSource(join(dir, 'data.bin'));
  assert.equal(source.size, bytes.length);
  assert.deepEqual(Buffer.from(await source.read(1000, 1010)), bytes.subarray(1000, 1010));
  assert.deepEqual(Buffer.from(await source.read(bytes.length - 5, bytes.length + 100)), bytes.subarray(bytes.length - 5));
  assert.equal((await source.read(bytes.length, bytes.length + 10)).length, 0);
  assert.deepEqual(source.stats, { requests: 2, bytes: 15 });
});

test('a document over the cap is refused by its size before a byte is read', async () => {
  const source = await fileByteSource(join(dir, 'data.bin'));
  await assert.rejects(readWhole(source, 1000), (error: unknown) => error instanceof TooLargeError && /300000 bytes is larger than the 1000-byte limit/.test(error.message));
  assert.equal(source.stats.requests, 0);
  assert.equal(await readText(await fileByteSource(join(dir, 'doc.json'))), '{"type":"Catalog"}');
});

test('checkedRange refuses single reads over the cap and nonsense ranges', () => {
  const source = { name: 'x', size: 100 };
  assert.deepEqual(checkedRange(source, 90, 200, 50), [90, 100]);
  assert.throws(() => checkedRange(source, 0, 100, 50), TooLargeError);
  assert.throws(() => checkedRange(source, -1, 10, 50), RangeError);
  assert.throws(() => checkedRange(source, 10, 5, 50), RangeError);
});

test('the block cache turns many small reads into few and returns the same bytes', async () => {
  const source = await fileByteSource(join(dir, 'data.bin'));
  const cached = blockCached(source, { blockSize: 4096, maxBlocks: 8 });
  for (let i = 0; i < 100; i++) assert.deepEqual(Buffer.from(await cached.read(i * 30, i * 30 + 25)), bytes.subarray(i * 30, i * 30 + 25));
  assert.equal(source.stats.requests, 1);
  // Across a block boundary, and a large read that bypasses the cache.
  assert.deepEqual(Buffer.from(await cached.read(4090, 4200)), bytes.subarray(4090, 4200));
  assert.deepEqual(Buffer.from(await cached.read(0, 100_000)), bytes.subarray(0, 100_000));
  assert.deepEqual(Buffer.from(await cached.read(299_990, 400_000)), bytes.subarray(299_990));
});

test('over HTTP: size from a one-byte probe, ranges with 206, the auth header sent', async () => {
  const source = await httpByteSource(`${server.url}/data/ada/sst/data.bin`, { headers: { authorization: 'Bearer secret-token-123' } });
  assert.equal(source.size, bytes.length);
  assert.deepEqual(Buffer.from(await source.read(123_456, 123_556)), bytes.subarray(123_456, 123_556));
  // The probe's byte is not counted: stats count the bytes of reads.
  assert.deepEqual(source.stats, { requests: 2, bytes: 100 });
  const last = server.hits.at(-1)!;
  assert.equal(last.range, 'bytes=123456-123555');
  assert.equal(last.headers.authorization, 'Bearer secret-token-123');
});

test('over HTTP: a known size skips the probe; reads past the end are empty or clamped', async () => {
  const before = server.hits.length;
  const source = await httpByteSource(`${server.url}/data/ada/sst/data.bin`, { size: bytes.length });
  assert.equal(server.hits.length, before);
  assert.equal((await source.read(bytes.length + 10, bytes.length + 20)).length, 0);
  assert.deepEqual(Buffer.from(await source.read(bytes.length - 3, bytes.length + 50)), bytes.subarray(bytes.length - 3));
});

test('over HTTP: an empty file answers 416 to the probe and has size 0', async () => {
  const source = await httpByteSource(`${server.url}/data/ada/sst/empty.bin`);
  assert.equal(source.size, 0);
  assert.equal((await source.read(0, 10)).length, 0);
});

test('over HTTP: a server that ignores Range still yields the right bytes, and the download stops early', async () => {
  server.ignoreRanges = true;
  try {
    const source = await httpByteSource(`${server.url}/data/ada/sst/data.bin`);
    assert.equal(source.size, bytes.length);
    assert.deepEqual(Buffer.from(await source.read(5000, 5100)), bytes.subarray(5000, 5100));
    assert.ok(source.stats.bytes < bytes.length, `read ${source.stats.bytes} of ${bytes.length} bytes`);
  } finally {
    server.ignoreRanges = false;
  }
});

test('over HTTP: missing files, errors and redirects are errors that name the URL but no credential', async () => {
  await assert.rejects(httpByteSource(`${server.url}/data/ada/sst/missing.bin`, { headers: { authorization: 'Bearer hidden' } }), (error: unknown) => {
    assert.ok(error instanceof HttpReadError);
    assert.equal(error.status, 404);
    assert.doesNotMatch(error.message, /hidden/);
    return true;
  });
  const redirecting = createServer((_, response) => response.writeHead(302, { location: 'http://127.0.0.2:1/x' }).end());
  await new Promise<void>((resolve) => redirecting.listen(0, '127.0.0.1', resolve));
  try {
    const url = `http://127.0.0.1:${(redirecting.address() as AddressInfo).port}/file?X-Amz-Signature=abc`;
    await assert.rejects(httpByteSource(url), (error: unknown) => error instanceof HttpReadError && /redirects are not followed/.test(error.message) && !/pw|Signature/.test(error.message));
  } finally {
    redirecting.close();
  }
  await assert.rejects(httpByteSource('http://user:pw@127.0.0.1:1/x'), (error: Error) => /credentials go in the headers/.test(error.message) && !/pw/.test(error.message));
  await assert.rejects(httpByteSource('file:///etc/passwd'), /only http and https/);
});
