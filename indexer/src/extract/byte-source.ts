// The one way the indexer's readers see a file: its size and byte ranges on
// demand. Extractors read headers through it, so the same code runs over a local
// file (tests, the loader) and over HTTP range requests to the data proxy (the
// crawler); every source counts what it read, which is how tests prove that only
// headers were fetched.

export interface ReadStats {
  /** Requests made to the underlying file or server. */
  requests: number;
  /** Bytes received from it. */
  bytes: number;
}

export interface ByteSource {
  /** What the source reads, for problems and logs: a key or a path, never a credential. */
  readonly name: string;
  readonly size: number;
  /** Bytes [start, end) — end exclusive, clamped to the size. */
  read(start: number, end: number): Promise<Uint8Array>;
  readonly stats: ReadStats;
}

/** Default cap on what a reader takes whole (a STAC document, a GeoJSON file, a header block): 10 MiB. */
export const DEFAULT_READ_CAP = 10 * 1024 * 1024;

/** A file or a part of it is bigger than the reader accepts; nothing was read. */
export class TooLargeError extends Error {
  readonly size: number;
  readonly cap: number;
  constructor(name: string, size: number, cap: number, what = 'file') {
    super(`${name}: ${what} of ${size} bytes is larger than the ${cap}-byte limit; not read`);
    this.name = 'TooLargeError';
    this.size = size;
    this.cap = cap;
  }
}

/** The whole source, refused by its size before a byte is read when it is over the cap. */
export async function readWhole(source: ByteSource, cap = DEFAULT_READ_CAP): Promise<Uint8Array> {
  if (source.size > cap) throw new TooLargeError(source.name, source.size, cap);
  return source.read(0, source.size);
}

export async function readText(source: ByteSource, cap = DEFAULT_READ_CAP): Promise<string> {
  return new TextDecoder('utf-8').decode(await readWhole(source, cap));
}

/**
 * Clamps [start, end) to the source and refuses single reads over the cap, so a
 * header that claims a gigabyte-long field is a problem, not an allocation.
 */
export function checkedRange(source: Pick<ByteSource, 'name' | 'size'>, start: number, end: number, cap: number): [number, number] {
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    throw new RangeError(`${source.name}: invalid byte range ${start}-${end}`);
  }
  const to = Math.min(end, source.size);
  const from = Math.min(start, to);
  if (to - from > cap) throw new TooLargeError(source.name, to - from, cap, 'a read');
  return [from, to];
}

/**
 * Reads through aligned blocks kept in memory, so the many small reads header
 * parsers make (an IFD here, a tag array there) become a few range requests.
 * Written here because geotiff.js keeps its block cache private and hyparquet,
 * flatgeobuf and pmtiles have none of their own; one cache serves them all.
 */
export function blockCached(source: ByteSource, { blockSize = 64 * 1024, maxBlocks = 64 } = {}): ByteSource {
  const blocks = new Map<number, Promise<Uint8Array>>();
  const block = (index: number): Promise<Uint8Array> => {
    let pending = blocks.get(index);
    if (pending) {
      blocks.delete(index);
    } else {
      pending = source.read(index * blockSize, (index + 1) * blockSize);
      pending.catch(() => blocks.delete(index));
    }
    blocks.set(index, pending); // most recently used last
    while (blocks.size > maxBlocks) blocks.delete(blocks.keys().next().value as number);
    return pending;
  };
  return {
    name: source.name,
    size: source.size,
    stats: source.stats,
    async read(start, end) {
      const to = Math.min(end, source.size);
      if (to <= start) return new Uint8Array(0);
      const first = Math.floor(start / blockSize);
      const last = Math.floor((to - 1) / blockSize);
      // A read spanning many blocks (a large tag array) goes straight through.
      if (last - first >= maxBlocks / 2) return source.read(start, to);
      const parts = await Promise.all(Array.from({ length: last - first + 1 }, (_, i) => block(first + i)));
      const out = new Uint8Array(to - start);
      let at = 0;
      for (const [i, part] of parts.entries()) {
        const offset = (first + i) * blockSize;
        const slice = part.subarray(Math.max(0, start - offset), Math.min(part.length, to - offset));
        out.set(slice, at);
        at += slice.length;
      }
      return out;
    },
  };
}
