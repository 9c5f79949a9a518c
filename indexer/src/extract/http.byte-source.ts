// A file behind HTTP as a ByteSource, read with Range requests: how the crawler
// reads a repository's files through the data proxy (`/data/...`).
//
// - 206 is the normal answer; its Content-Range must match the range asked for.
// - 200 means the server ignored Range: the body is streamed, the bytes before the
//   range dropped and the connection closed as soon as the range is complete.
// - 416 means the range starts at or past the end: no bytes.
// - Redirects are not followed: a redirect could carry the credentials elsewhere.
// The auth header is sent as given and never appears in an error message.
import type { ByteSource, ReadStats } from './byte-source.ts';

export interface HttpByteSourceOptions {
  /** e.g. `{ authorization: 'Bearer …' }`. */
  headers?: Record<string, string>;
  /** Known from a listing; otherwise a one-byte request finds it. */
  size?: number;
  signal?: AbortSignal;
}

export class HttpReadError extends Error {
  readonly status: number;
  constructor(url: string, status: number, detail: string) {
    super(`${url}: ${detail}`);
    this.name = 'HttpReadError';
    this.status = status;
  }
}

/** The URL without query or credentials, for messages. */
function shown(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

function totalOf(contentRange: string | null): number | undefined {
  const match = /^bytes (?:\d+-\d+|\*)\/(\d+)$/.exec(contentRange?.trim() ?? '');
  return match ? Number(match[1]) : undefined;
}

/** Reads the body from `skip` bytes on until `length` bytes are in hand, then stops the download. */
async function take(response: Response, skip: number, length: number, stats: ReadStats): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  let seen = 0;
  let filled = 0;
  const reader = response.body?.getReader();
  if (!reader) return out.subarray(0, 0);
  try {
    while (filled < length) {
      const { done, value } = await reader.read();
      if (done) break;
      stats.bytes += value.length;
      const from = Math.max(0, skip - seen);
      const part = value.subarray(from, Math.min(value.length, from + length - filled));
      out.set(part, filled);
      filled += part.length;
      seen += value.length;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return out.subarray(0, filled);
}

export async function httpByteSource(href: string | URL, options: HttpByteSourceOptions = {}): Promise<ByteSource> {
  const url = new URL(href);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`${shown(url)}: only http and https URLs can be read`);
  if (url.username || url.password) throw new TypeError(`${shown(url)}: credentials go in the headers option, not in the URL`);
  const stats: ReadStats = { requests: 0, bytes: 0 };

  const request = async (first: number, last: number): Promise<Response> => {
    stats.requests++;
    const response = await fetch(url, {
      headers: { ...options.headers, range: `bytes=${first}-${last}` },
      redirect: 'manual',
      signal: options.signal,
    });
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel();
      throw new HttpReadError(shown(url), response.status, `redirected (HTTP ${response.status}); redirects are not followed`);
    }
    if (response.status !== 200 && response.status !== 206 && response.status !== 416) {
      await response.body?.cancel();
      throw new HttpReadError(shown(url), response.status, `HTTP ${response.status} ${response.statusText}`.trim());
    }
    return response;
  };

  let size = options.size;
  if (size === undefined) {
    const response = await request(0, 0);
    size = response.status === 200 ? Number(response.headers.get('content-length') ?? NaN) : totalOf(response.headers.get('content-range'));
    await response.body?.cancel();
    if (size === undefined || !Number.isSafeInteger(size) || size < 0) {
      throw new HttpReadError(shown(url), response.status, 'the server did not say how large the file is (no Content-Range total or Content-Length)');
    }
  }
  const total = size;

  return {
    name: shown(url),
    size: total,
    stats,
    async read(start, end) {
      const to = Math.min(end, total);
      if (to <= start) return new Uint8Array(0);
      const response = await request(start, to - 1);
      if (response.status === 416) {
        await response.body?.cancel();
        return new Uint8Array(0);
      }
      if (response.status === 206) {
        const range = /^bytes (\d+)-(\d+)\/(?:\d+|\*)$/.exec(response.headers.get('content-range')?.trim() ?? '');
        if (!range || Number(range[1]) !== start) {
          await response.body?.cancel();
          throw new HttpReadError(shown(url), 206, `answered range ${response.headers.get('content-range') ?? '(none)'} for bytes=${start}-${to - 1}`);
        }
        return take(response, 0, to - start, stats);
      }
      return take(response, start, to - start, stats);
    },
  };
}
