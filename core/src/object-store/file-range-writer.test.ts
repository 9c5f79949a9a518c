import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, open, rm, truncate, writeFile, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { writeFileRange } from './file-range-writer.ts';

const BUFFERS = { chunkSize: 4096, count: 3 };

/**
 * A destination that keeps each chunk it is given and copies it only later,
 * just before its write callback: if a buffer were filled again before that
 * callback, the copy would hold the wrong bytes.
 */
class LateCopyingSink extends Writable {
  readonly chunks: Buffer[] = [];
  /** The most bytes handed over and not yet called back, at any time. */
  mostPending = 0;

  readonly delayMs: number;

  constructor(delayMs = 0) {
    super({ highWaterMark: 1 });
    this.delayMs = delayMs;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.mostPending = Math.max(this.mostPending, this.writableLength);
    setTimeout(() => {
      this.chunks.push(Buffer.from(chunk));
      callback();
    }, this.delayMs);
  }

  get bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

describe('writeFileRange', () => {
  let dir = '';
  let path = '';
  const content = randomBytes(50_000);
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'meridian-range-writer-'));
    path = join(dir, 'file.bin');
    await writeFile(path, content);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  async function withHandle<T>(use: (handle: FileHandle) => Promise<T>): Promise<T> {
    const handle = await open(path);
    try {
      return await use(handle);
    } finally {
      await handle.close();
    }
  }

  test('sends exactly the bytes of the range, whole file, first byte, last byte, across chunk boundaries', async () => {
    const last = content.length - 1;
    for (const [start, end] of [[0, last], [0, 0], [last, last], [4095, 4096], [1000, 30_000], [8192, last]]) {
      const sink = new LateCopyingSink();
      await withHandle((handle) => writeFileRange(handle, { start, end }, sink, BUFFERS));
      assert.ok(sink.writableFinished, `the destination is ended after ${start}-${end}`);
      assert.ok(sink.bytes.equals(content.subarray(start, end + 1)), `bytes ${start}-${end}`);
    }
  });

  test('an empty range just ends the destination', async () => {
    const sink = new LateCopyingSink();
    await withHandle((handle) => writeFileRange(handle, { start: 0, end: -1 }, sink, BUFFERS));
    assert.ok(sink.writableFinished);
    assert.equal(sink.bytes.length, 0);
  });

  test('a slow destination holds reading back: never more chunks handed over than buffers', async () => {
    const sink = new LateCopyingSink(2);
    await withHandle((handle) => writeFileRange(handle, { start: 0, end: content.length - 1 }, sink, BUFFERS));
    assert.ok(sink.bytes.equals(content));
    assert.ok(sink.chunks.length > BUFFERS.count * 3, 'enough chunks for the buffers to have been reused');
    const bound = BUFFERS.count * BUFFERS.chunkSize;
    assert.ok(sink.mostPending <= bound, `at most ${bound} bytes awaited their callback at once, saw ${sink.mostPending}`);
    assert.ok(sink.mostPending > BUFFERS.chunkSize, 'more than one buffer was in flight');
  });

  test('a destination that closes early: rejects as pipeline does, and reads no further', async () => {
    const sink = new LateCopyingSink(1);
    let reads = 0;
    await withHandle(async (handle) => {
      const read = handle.read.bind(handle);
      handle.read = ((...args: Parameters<FileHandle['read']>) => {
        reads++;
        if (reads === 3) sink.destroy();
        return read(...args);
      }) as FileHandle['read'];
      await assert.rejects(writeFileRange(handle, { start: 0, end: content.length - 1 }, sink, BUFFERS), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
    });
    assert.equal(reads, 3, 'no read after the destination closed');
  });

  test('a file truncated while it is sent: rejects, and leaves the destination open for the caller to cut short', async () => {
    const copy = join(dir, 'shrinking.bin');
    await writeFile(copy, content);
    const handle = await open(copy);
    const sink = new LateCopyingSink(1);
    let reads = 0;
    const read = handle.read.bind(handle);
    handle.read = (async (...args: Parameters<FileHandle['read']>) => {
      if (++reads === 2) await truncate(copy, 6000);
      return read(...args);
    }) as FileHandle['read'];
    try {
      await assert.rejects(writeFileRange(handle, { start: 0, end: content.length - 1 }, sink, BUFFERS), /the file ended 44000 bytes before the range did/);
    } finally {
      await handle.close();
    }
    assert.equal(sink.writableEnded, false, 'not ended: a reader must not see a complete-looking body');
  });

  test('a destination that fails: rejects with its error', async () => {
    const failing = new Writable({
      write(_chunk, _encoding, callback) {
        callback(new Error('disk full'));
      },
    });
    failing.on('error', () => {});
    await withHandle((handle) => assert.rejects(writeFileRange(handle, { start: 0, end: content.length - 1 }, failing, BUFFERS), /disk full/));
  });
});
