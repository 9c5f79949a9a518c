// A repository's files as the walker and the crawler see them: a listing and a
// way to open one key as a ByteSource. Keys are relative to the repository and
// `baseUrl` is where the repository's files are served (the data proxy's
// `/data/{account}/{repository}/`): a STAC link is followed only when it
// resolves under it, and reading a key never leaves it.
import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { ByteSource } from '../extract/byte-source.ts';
import { fileByteSource } from '../extract/file.byte-source.ts';
import { httpByteSource } from '../extract/http.byte-source.ts';

export interface ListedFile {
  key: string;
  size: number;
  lastModified: Date;
  etag?: string;
}

export interface RepositoryReader {
  /** Absolute http(s) URL ending in `/`. */
  readonly baseUrl: URL;
  list(): AsyncIterable<ListedFile>;
  /** Opens a listed key; `size` from the listing saves a request. */
  open(key: string, size?: number): Promise<ByteSource>;
}

/** The URL of a key: each segment percent-encoded, so no key can climb out of the base. */
export function keyUrl(baseUrl: URL, key: string): URL {
  return new URL(key.split('/').map(encodeURIComponent).join('/'), baseUrl);
}

export function checkBaseUrl(baseUrl: URL | string): URL {
  const url = new URL(baseUrl);
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !url.pathname.endsWith('/') || url.search || url.hash) {
    throw new TypeError(`a repository base URL must be an http(s) URL ending in "/" without query: ${url.origin}${url.pathname}`);
  }
  return url;
}

/** A local directory served, as far as links are concerned, at `baseUrl`. */
export function directoryRepositoryReader(root: string, baseUrl: URL | string): RepositoryReader {
  const base = checkBaseUrl(baseUrl);
  return {
    baseUrl: base,
    async *list() {
      const entries = await readdir(root, { recursive: true, withFileTypes: true });
      const files = entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name)).sort();
      for (const path of files) {
        const info = await stat(path);
        yield { key: relative(root, path).split(sep).join('/'), size: info.size, lastModified: info.mtime };
      }
    },
    async open(key) {
      const path = join(root, ...key.split('/'));
      if (relative(root, path).startsWith('..')) throw new Error(`key ${key} is outside the repository`);
      return fileByteSource(path, key);
    },
  };
}

/** A repository behind HTTP (the data proxy): reads with Range requests, the listing given by the caller. */
export function httpRepositoryReader(options: { baseUrl: URL | string; headers?: Record<string, string>; list: () => AsyncIterable<ListedFile> }): RepositoryReader {
  const base = checkBaseUrl(options.baseUrl);
  return {
    baseUrl: base,
    list: options.list,
    open: (key, size) => httpByteSource(keyUrl(base, key), { headers: options.headers, size }),
  };
}
