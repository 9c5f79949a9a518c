// Writes a byte range of an open file into a stream through a few buffers that
// are reused, instead of the fresh buffer per chunk a read stream allocates.
//
// Why by hand: on Node 24 every fresh 1 MiB buffer counts towards V8's trigger
// for a full garbage collection (nodejs/node#61967), so a download through a
// large process (the api carries SvelteKit, the AWS SDK and the catalog) spent
// most of its CPU marking that heap (docs/benchmarks.md, the data proxy). A
// Readable cannot reuse its buffers, since whoever reads a chunk may keep it;
// here a buffer is filled again only after the destination's write callback
// has said its bytes were handed on. No library does this for a Writable.
import type { FileHandle } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';

export interface FileRange {
  /** First byte to send. */
  start: number;
  /** Last byte to send, inclusive (as in an HTTP Range). */
  end: number;
}

export interface ReusedBuffers {
  /** Bytes per read. */
  chunkSize: number;
  /** Buffers in flight at once: one being read while the others are written. */
  count: number;
}

/**
 * Sends `range` of `handle` into `destination` and ends it (an empty range,
 * end = start − 1, just ends it). Memory stays at
 * `count` buffers of at most `chunkSize` bytes, whatever the range's size, and
 * reading waits for the destination (backpressure through the write callbacks).
 *
 * Rejects, without ending the destination, when it closes early or fails, when
 * a read fails, or when the file turns out shorter than the range (truncated
 * meanwhile): the caller then destroys it, so a reader sees a cut-short body.
 * The handle is left open; the caller closes it.
 *
 * A range from byte 0 is read at the file's own offset, as fs.createReadStream
 * does, so /proc/…/fdinfo shows how far a download has got.
 */
export async function writeFileRange(handle: FileHandle, range: FileRange, destination: Writable, buffers: ReusedBuffers): Promise<void> {
  const length = range.end - range.start + 1;
  const chunkSize = Math.max(1, Math.min(buffers.chunkSize, length));
  const free = Array.from({ length: Math.min(buffers.count, Math.ceil(length / chunkSize)) }, () => Buffer.allocUnsafeSlow(chunkSize));
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const fail = (error: Error) => {
    failure ??= error;
    wake?.();
  };
  // finished() rejects with ERR_STREAM_PREMATURE_CLOSE when the destination closes before it finishes.
  const done = finished(destination).catch(fail);

  const sequential = range.start === 0;
  for (let position = range.start; position <= range.end;) {
    while (free.length === 0 && !failure) await new Promise<void>((resolve) => (wake = resolve));
    if (failure) throw failure;
    const buffer = free.pop()!;
    const { bytesRead } = await handle.read(buffer, 0, Math.min(chunkSize, range.end - position + 1), sequential ? null : position);
    if (failure) throw failure;
    if (bytesRead === 0) throw new Error(`the file ended ${range.end - position + 1} bytes before the range did`);
    position += bytesRead;
    destination.write(buffer.subarray(0, bytesRead), (error) => {
      if (error) fail(error);
      else free.push(buffer);
      wake?.();
    });
  }
  destination.end();
  await done;
  if (failure) throw failure;
}
