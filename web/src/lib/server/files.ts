// A repository's files, from the management API's listing (files and, with the
// `/` delimiter, folders), one page at a time.
import type { ApiClient } from './api-client.ts';

export interface FileEntry {
  key: string;
  size: number;
  etag?: string;
  lastModified: string;
  contentType: string;
  href: string;
}

export interface FileListing {
  prefix: string;
  files: FileEntry[];
  directories: string[];
  next: string | undefined;
}

export const filesPath = (account: string, repository: string) => `/api/v1/repositories/${encodeURIComponent(account)}/${encodeURIComponent(repository)}/files`;

export async function listFiles(api: ApiClient, account: string, repository: string, prefix: string, cursor?: string): Promise<FileListing> {
  const page = await api.get<{ files: FileEntry[]; directories: string[]; next?: string }>(filesPath(account, repository), { prefix, delimiter: '/', limit: 100, cursor });
  return { prefix, files: page.files, directories: page.directories, next: page.next };
}

/** The one file at exactly this key, if there is one. */
export async function findFile(api: ApiClient, account: string, repository: string, key: string): Promise<FileEntry | undefined> {
  const page = await api.get<{ files: FileEntry[] }>(filesPath(account, repository), { prefix: key, delimiter: '/', limit: 1 });
  return page.files.find((f) => f.key === key);
}

/** A small text file's content (a README), read as the user through the data proxy; undefined when larger than `limit`. */
export async function readSmallText(api: ApiClient, file: FileEntry, limit = 512 * 1024): Promise<string | undefined> {
  if (file.size > limit) return undefined;
  const path = new URL(file.href).pathname;
  const response = await api.fetch('GET', path);
  if (!response.ok) return undefined;
  return response.text();
}
