// How the crawl sees a repository: through the data proxy over HTTP, as every
// other client does — never the store directly — authenticated with the
// indexer's service credential (core/src/access/indexer-credential.ts), so that
// the access rule decides what it may read. Listing is S3 ListObjectsV2 on the
// account's bucket with the repository as prefix, 1000 keys a page, through any
// number of pages; files are read with HTTP range requests (part A's
// httpByteSource).
//
// Two base URLs: `apiUrl` is where this process reaches the api (in a cluster,
// an internal address); `publicUrl` is where clients reach it, and what STAC
// links and asset hrefs are resolved against and written with.
import { XMLParser } from 'fast-xml-parser';
import { httpByteSource } from '../extract/http.byte-source.ts';
import { checkBaseUrl, keyUrl, type ListedFile, type RepositoryReader } from '../stac-walk/repository-reader.ts';

export interface DataProxyClientOptions {
  apiUrl: URL;
  publicUrl: URL;
  /** The indexer's credential; never logged. */
  token: string;
}

/** The repository is not there (deleted since the job was queued), or the proxy would not show it. */
export class RepositoryNotFoundError extends Error {}

const xml = new XMLParser({ isArray: (name) => name === 'Contents', parseTagValue: false, processEntities: true });

const withSlash = (url: URL) => new URL(url.href.endsWith('/') ? url.href : `${url.href}/`);
const repositoryPath = (accountId: string, repositoryId: string) => `data/${encodeURIComponent(accountId)}/${encodeURIComponent(repositoryId)}/`;

export class DataProxyClient {
  readonly #api: URL;
  readonly #public: URL;
  readonly #headers: Record<string, string>;

  constructor(options: DataProxyClientOptions) {
    this.#api = withSlash(options.apiUrl);
    this.#public = withSlash(options.publicUrl);
    this.#headers = { authorization: `Bearer ${options.token}` };
  }

  /** Where clients fetch the repository's files: STAC hrefs resolve against it. */
  publicBase(accountId: string, repositoryId: string): URL {
    return checkBaseUrl(new URL(repositoryPath(accountId, repositoryId), this.#public));
  }

  /** Every object of the repository, in key order, page after page. */
  async *list(accountId: string, repositoryId: string): AsyncGenerator<ListedFile> {
    const head = `${repositoryId}/`;
    let token: string | undefined;
    do {
      const url = new URL(`data/${encodeURIComponent(accountId)}`, this.#api);
      url.search = new URLSearchParams({ 'list-type': '2', prefix: head, 'max-keys': '1000', 'encoding-type': 'url', ...(token ? { 'continuation-token': token } : {}) }).toString();
      const response = await fetch(url, { headers: this.#headers, redirect: 'manual', signal: AbortSignal.timeout(120_000) });
      const body = await response.text();
      if (response.status === 404) throw new RepositoryNotFoundError(`the data proxy does not show ${accountId}/${repositoryId}`);
      if (response.status !== 200) throw new Error(`listing ${accountId}/${repositoryId} through the data proxy: HTTP ${response.status} ${/<Message>([^<]*)<\/Message>/.exec(body)?.[1] ?? ''}`.trim());
      const result = (xml.parse(body) as { ListBucketResult?: Record<string, unknown> }).ListBucketResult;
      if (!result) throw new Error(`listing ${accountId}/${repositoryId}: the data proxy's answer is not a ListBucketResult`);
      for (const entry of (result.Contents ?? []) as Record<string, string>[]) {
        const key = decodeURIComponent(String(entry.Key));
        if (!key.startsWith(head)) continue;
        yield { key: key.slice(head.length), size: Number(entry.Size), lastModified: new Date(entry.LastModified), etag: String(entry.ETag) };
      }
      token = String(result.IsTruncated) === 'true' ? String(result.NextContinuationToken) : undefined;
    } while (token);
  }

  /** One whole object (a STAC document), with the ETag it was sent with. */
  async fetch(accountId: string, repositoryId: string, key: string): Promise<{ body: Uint8Array; etag: string | undefined }> {
    const url = keyUrl(new URL(repositoryPath(accountId, repositoryId), this.#api), key);
    const response = await fetch(url, { headers: this.#headers, redirect: 'manual', signal: AbortSignal.timeout(120_000) });
    if (response.status !== 200) {
      await response.body?.cancel();
      throw new Error(`${key}: HTTP ${response.status} from the data proxy`);
    }
    return { body: new Uint8Array(await response.arrayBuffer()), etag: response.headers.get('etag') ?? undefined };
  }

  /**
   * The repository as part A's walker and extractors read it: links resolve
   * against the public base, reads go to the api's address with the credential.
   * `files` is the listing already made (the walker asks for it again).
   */
  reader(accountId: string, repositoryId: string, files: ListedFile[]): RepositoryReader {
    const internal = new URL(repositoryPath(accountId, repositoryId), this.#api);
    return {
      baseUrl: this.publicBase(accountId, repositoryId),
      async *list() {
        yield* files;
      },
      open: (key, size) => httpByteSource(keyUrl(internal, key), { headers: this.#headers, size }),
    };
  }
}
