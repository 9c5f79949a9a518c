// What the indexer remembers about each repository between crawls, kept in the
// metadata store's DynamoDB (two tables beside the others, created by the same
// ensureTables): every process — the api answering status requests, any number
// of indexer workers — sees the same state, and a crawl killed half-way resumes
// from it.
//
// - The status: state, counts, last crawl times, the validation report and the
//   progress of a running crawl (what the status API and its events show).
// - The crawled objects: per key, the ETag the last crawl saw and what it made of
//   the object (catalog items and collections, each with a hash of what was
//   written), so that the next crawl reads only objects whose ETag changed,
//   writes only documents whose hash changed, and deletes what came from objects
//   that are gone.
export type IndexState = 'queued' | 'crawling' | 'indexed' | 'failed';

export interface IndexCounts {
  /** Objects in the repository's listing. */
  seen: number;
  /** Items and collections in the catalog from this repository. */
  indexed: number;
  /** STAC documents (or items in them) that failed validation, and links refused. */
  invalid: number;
  /** Objects that could not be read or whose header could not be made into an item. */
  failed: number;
}

export interface IndexProblem {
  /** The key, with `:line` for NDJSON or `#/features/i` for item collections. */
  path: string;
  message: string;
  /** JSON pointer into the document, when the problem is in one place of it. */
  pointer?: string;
  kind: 'invalid' | 'failed';
}

export interface IndexProgress {
  phase: 'listing' | 'stac' | 'files' | 'cleaning';
  /** Objects listed so far. */
  listed: number;
  /** Objects (files and STAC documents) read so far in this crawl, of `toRead`. */
  read: number;
  toRead: number;
}

export interface IndexStatus {
  accountId: string;
  repositoryId: string;
  state: IndexState;
  counts: IndexCounts;
  /** While crawling. */
  progress?: IndexProgress;
  startedAt?: string;
  /** When the last crawl finished (indexed or failed). */
  finishedAt?: string;
  /** Why the last crawl failed. */
  error?: string;
  /** The first MAX_PROBLEMS problems of the last crawl… */
  problems: IndexProblem[];
  /** …of this many. */
  problemCount: number;
  /** Set by a reindex request: the next crawl reads every object again, whatever its ETag. */
  reindexRequested?: boolean;
  updatedAt: string;
}

/** What one catalog document made from an object looks like now: its hash says whether it must be written again. */
export interface Output {
  /** `item` ids are within `collection`; `collection` outputs have only `id`. */
  kind: 'item' | 'collection';
  id: string;
  collection?: string;
  hash: string;
  /** An item's footprint box and time span, so the repository's extent is computed without reading items back. */
  bbox?: number[];
  interval?: [string | null, string | null];
}

export interface CrawledObject {
  key: string;
  etag: string;
  size: number;
  lastModified: string;
  /** The file listing's media type, and `file:checksum` when one was computed. */
  type: string;
  checksum?: string;
  /** What the crawl made of it; empty for files that are only listed. */
  outputs: Output[];
  /** A STAC document: read with the others by the walker, not on its own. */
  stac?: boolean;
  /** The object's problems, kept so that an unchanged object keeps them in the report. */
  problems?: IndexProblem[];
  /**
   * What it made before it changed, still to be deleted from the catalog (unless
   * another object makes it now): deletions happen at the end of a crawl, and a
   * crawl stopped before then leaves them here for the next one.
   */
  stale?: Output[];
}

export const MAX_PROBLEMS = 500;

export interface IndexStateStore {
  getStatus(accountId: string, repositoryId: string): Promise<IndexStatus | undefined>;
  /** Replaces the status. */
  putStatus(status: IndexStatus): Promise<void>;
  /** Marks the next crawl as a full one (creates a queued status when there is none). */
  requestReindex(accountId: string, repositoryId: string, now: string): Promise<void>;
  /** Every crawled object of the repository, in key order. */
  listObjects(accountId: string, repositoryId: string): AsyncIterable<CrawledObject>;
  /** Creates or replaces these objects' records. */
  putObjects(accountId: string, repositoryId: string, objects: CrawledObject[]): Promise<void>;
  deleteObjects(accountId: string, repositoryId: string, keys: string[]): Promise<void>;
  /** Forgets the repository: its status and every object record. */
  deleteRepository(accountId: string, repositoryId: string): Promise<void>;
}
