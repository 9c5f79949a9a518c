// One crawl of one repository: list it through the data proxy, compare with the
// previous crawl by ETag, read only what changed, and make the catalog say what
// the repository holds.
//
// 1. Listing: every object, page after page (data-proxy-client.ts).
// 2. STAC: when any JSON or NDJSON object was added, changed or removed (or a
//    reindex was asked for), part A's walker reads the repository's STAC again —
//    the items a catalog's links reach depend on the documents linking to them —
//    and only documents whose content hash changed are written to the catalog.
//    Otherwise the walk is skipped and nothing of it is read.
// 3. Files: each object whose ETag changed (all of them on a reindex) goes to
//    part A's extractors, which read headers through range requests; spatial
//    files become items of the repository's collection; the rest only keep their
//    size, type and checksum in the state.
// 4. Cleaning: what objects made before they changed or went away is deleted
//    from the catalog, unless another object makes it now; then the state
//    forgets deleted objects. Last, the repository's collection gets the extent
//    of everything in it.
//
// Crash safety: catalog writes come before the state that records them, and are
// idempotent (items and collections are upserted by id, ids are deterministic);
// what must be deleted is recorded (`stale`) before the record that replaces it
// is written, and deleted at the end. A crawl stopped anywhere is redone by the
// next one — the job's retry — to the same end state, without losing or
// duplicating anything.
import { createHash } from 'node:crypto';
import type { Repository } from '@meridian/core/accounts/accounts.types';
import type { CatalogIndex } from '@meridian/core/catalog-index/catalog-index.port';
import type { CrawledObject, IndexProblem, IndexStateStore, IndexStatus, Output } from '@meridian/core/index-state/index-state.port';
import { MAX_PROBLEMS } from '@meridian/core/index-state/index-state.port';
import type { Logger } from '@meridian/core/logging/logger';
import type { MetadataStore } from '@meridian/core/metadata-store/metadata-store.port';
import { collectionDocFor, collectionIdFor, WHOLE_WORLD } from '@meridian/core/repositories/repository-collection';
import { mediaTypeOf } from '@meridian/core/stac/media-types';
import type { StacCollection, StacItem } from '@meridian/core/stac/stac-types';
import { blockCached, DEFAULT_READ_CAP, type ByteSource } from '../extract/byte-source.ts';
import { problemText } from '../extract/extraction.ts';
import { extractFile } from '../extract/file-extractor.ts';
import { ExtentBuilder } from '../stac-walk/collection-extent.ts';
import { keyUrl, type ListedFile, type RepositoryReader } from '../stac-walk/repository-reader.ts';
import { walkStac } from '../stac-walk/stac-walker.ts';
import type { StacValidator } from '../validate/stac-validator.ts';
import type { DataProxyClient } from './data-proxy-client.ts';
import type { DocumentCache } from './document-cache.ts';
import { ProgressWriter } from './progress-writer.ts';
import { withMediaType } from './media-type-property.ts';

export interface CrawlDeps {
  metadata: Pick<MetadataStore, 'getRepository'>;
  catalog: CatalogIndex;
  state: IndexStateStore;
  proxy: DataProxyClient;
  /** The last crawl's STAC documents, so that a walk reads only the changed ones. */
  documents: DocumentCache;
  validator: StacValidator;
  logger: Logger;
  /** Epoch milliseconds. */
  clock?: () => number;
  /** Files read at the same time (default 8). */
  readConcurrency?: number;
  /** The largest document read whole and the largest single header read (part A's DEFAULT_READ_CAP by default). */
  readCap?: number;
}

/** Objects the STAC walker reads; the others are files. */
const STAC_CANDIDATE = /\.(json|geojson|ndjson|jsonl)$/i;
/** Items per catalog write. */
const BATCH = 500;
/** STAC documents fetched at the same time before a walk. */
const FETCH_CONCURRENCY = 16;

/** Bytes in memory as a ByteSource: a document from the cache. */
function memorySource(name: string, bytes: Uint8Array): ByteSource {
  return { name, size: bytes.length, stats: { requests: 0, bytes: 0 }, read: async (start, end) => bytes.subarray(start, Math.min(end, bytes.length)) };
}

const ZERO = { seen: 0, indexed: 0, invalid: 0, failed: 0 };

const hashOf = (document: unknown) => createHash('sha256').update(JSON.stringify(document)).digest('base64url').slice(0, 22);
const refOf = (o: Pick<Output, 'kind' | 'id' | 'collection'>) => `${o.kind}\u0000${o.collection ?? ''}\u0000${o.id}`;

/** The listed key a walker path (`key`, `key:line`, `key#/features/i`) comes from. */
function sourceKey(path: string, keys: ReadonlySet<string>): string {
  if (keys.has(path)) return path;
  const fragment = path.indexOf('#');
  if (fragment >= 0 && keys.has(path.slice(0, fragment))) return path.slice(0, fragment);
  const line = /^(.*):\d+$/.exec(path);
  return line && keys.has(line[1]) ? line[1] : path;
}

function itemOutput(item: StacItem): Output {
  const p = item.properties ?? {};
  const time = (value: unknown) => (typeof value === 'string' ? value : null);
  return {
    kind: 'item', id: item.id, collection: item.collection, hash: hashOf(item),
    ...(Array.isArray(item.bbox) ? { bbox: item.bbox as number[] } : {}),
    interval: [time(p.start_datetime) ?? time(p.datetime), time(p.end_datetime) ?? time(p.datetime)],
  };
}

/** What a record made before, keyed by ref, for "did this document change?". */
const hashesOf = (record: CrawledObject | undefined) => new Map((record?.outputs ?? []).map((o) => [refOf(o), o.hash]));

interface Pending {
  key: string;
  items: StacItem[];
  collections: StacCollection[];
  problems: IndexProblem[];
}

interface Refusal {
  key: string;
  ref: string;
  problem: IndexProblem;
}

export class RepositoryCrawl {
  readonly #deps: CrawlDeps;
  readonly #accountId: string;
  readonly #repositoryId: string;
  readonly #now: () => string;
  /** The last crawl's records, by key. */
  #previous = new Map<string, CrawledObject>();
  /** A reindex: every object read and every document written again. */
  #force = false;

  constructor(deps: CrawlDeps, accountId: string, repositoryId: string) {
    this.#deps = deps;
    this.#accountId = accountId;
    this.#repositoryId = repositoryId;
    this.#now = () => new Date((deps.clock ?? Date.now)()).toISOString();
  }

  /** Crawls; answers the final status, or undefined when the repository no longer exists (its state is then forgotten). */
  async run(): Promise<IndexStatus | undefined> {
    const { metadata, state } = this.#deps;
    const [accountId, repositoryId] = [this.#accountId, this.#repositoryId];
    const repository = await metadata.getRepository(accountId, repositoryId);
    if (!repository) {
      await this.#forget();
      return undefined;
    }
    const prior = await state.getStatus(accountId, repositoryId);
    this.#force = prior?.reindexRequested === true;
    const status: IndexStatus = {
      accountId, repositoryId, state: 'crawling', counts: prior?.counts ?? { ...ZERO }, problems: prior?.problems ?? [],
      problemCount: prior?.problemCount ?? 0, startedAt: this.#now(), ...(prior?.finishedAt ? { finishedAt: prior.finishedAt } : {}),
      ...(this.#force ? { reindexRequested: true } : {}), progress: { phase: 'listing', listed: 0, read: 0, toRead: 0 }, updatedAt: this.#now(),
    };
    const progress = new ProgressWriter(state, status, this.#now);
    await progress.write();
    try {
      const final = await this.#crawl(repository, status, progress);
      await progress.write(final);
      return final;
    } catch (error) {
      const { progress: _progress, ...rest } = status;
      await progress.write({ ...rest, state: 'failed', error: problemText(error), finishedAt: this.#now() }).catch(() => {});
      throw error;
    }
  }

  async #forget(): Promise<void> {
    const { catalog, state } = this.#deps;
    for await (const record of state.listObjects(this.#accountId, this.#repositoryId)) {
      for (const output of record.outputs) if (output.kind === 'collection') await catalog.deleteCollection(output.id);
    }
    await state.deleteRepository(this.#accountId, this.#repositoryId);
    this.#deps.documents.forget(`${this.#accountId}/${this.#repositoryId}`);
  }

  async #crawl(repository: Repository, status: IndexStatus, progress: ProgressWriter): Promise<IndexStatus> {
    const { state, proxy } = this.#deps;
    const [accountId, repositoryId] = [this.#accountId, this.#repositoryId];
    for await (const record of state.listObjects(accountId, repositoryId)) this.#previous.set(record.key, record);
    const previous = this.#previous;

    const files: ListedFile[] = [];
    for await (const file of proxy.list(accountId, repositoryId)) {
      files.push(file);
      status.progress!.listed++;
      await progress.maybe();
    }
    const listed = new Map(files.map((file) => [file.key, file]));
    const unchanged = (file: ListedFile) => !this.#force && file.etag !== undefined && previous.get(file.key)?.etag === file.etag;
    const records = new Map<string, CrawledObject>();
    const reader = proxy.reader(accountId, repositoryId, files);

    // STAC, read again only when a document may have changed.
    const candidates = files.filter((file) => STAC_CANDIDATE.test(file.key));
    const stacChanged = this.#force || candidates.some((file) => !unchanged(file))
      || [...previous.keys()].some((key) => STAC_CANDIDATE.test(key) && !listed.has(key));
    /** JSON objects that hold no STAC, with what the walker found wrong in them: they are files. */
    const notStac = new Map<string, IndexProblem[]>();
    /** Where files are read from: after a walk, JSON files come from the document cache the walk filled. */
    let fileReader = reader;
    if (stacChanged) {
      status.progress = { ...status.progress!, phase: 'stac', toRead: candidates.length };
      fileReader = await this.#walk(repository, reader, listed, records, notStac, progress);
    } else {
      for (const file of candidates) {
        const record = previous.get(file.key)!;
        if (record.stac) records.set(file.key, record);
        else notStac.set(file.key, []);
      }
    }

    // Files: only the changed ones are read.
    const fileList = files.filter((file) => !STAC_CANDIDATE.test(file.key) || notStac.has(file.key));
    const toRead: ListedFile[] = [];
    for (const file of fileList) {
      const before = previous.get(file.key);
      if (unchanged(file) && !before!.stac) records.set(file.key, before!);
      else toRead.push(file);
    }
    status.progress = { ...status.progress!, phase: 'files', read: 0, toRead: toRead.length };
    await progress.write();
    const concurrency = this.#deps.readConcurrency ?? 8;
    const chunkSize = Math.max(concurrency, 64);
    for (let i = 0; i < toRead.length; i += chunkSize) {
      const chunk = toRead.slice(i, i + chunkSize);
      const made: { record: CrawledObject; item?: StacItem }[] = [];
      for (let j = 0; j < chunk.length; j += concurrency) {
        made.push(...await Promise.all(chunk.slice(j, j + concurrency).map((file) => this.#readFile(repository, fileReader, file, notStac.get(file.key) ?? []))));
        status.progress!.read = Math.min(toRead.length, i + j + concurrency);
        await progress.maybe();
      }
      const refused = await this.#upsertChanged(made.flatMap(({ record, item }) => (item ? [{ key: record.key, item }] : [])));
      const written = made.map(({ record }) => {
        const refusals = refused.filter((r) => r.key === record.key);
        if (refusals.length === 0) return record;
        const outputs = record.outputs.filter((o) => !refusals.some((r) => r.ref === refOf(o)));
        return this.#record(listed.get(record.key)!, outputs, [...(record.problems ?? []), ...refusals.map((r) => r.problem)], false, record);
      });
      await state.putObjects(accountId, repositoryId, written);
      for (const record of written) records.set(record.key, record);
    }

    status.progress = { ...status.progress!, phase: 'cleaning' };
    await progress.write();
    const deleted = [...previous.keys()].filter((key) => !listed.has(key));
    await this.#clean(records, deleted.map((key) => previous.get(key)!));
    await this.#writeExtent(repository, records);
    return this.#finalStatus(status, records, files.length);
  }

  /**
   * Walks the STAC and writes what changed; every candidate the walker did not
   * hand back as a file gets a STAC record. Answers the reader it walked with.
   */
  async #walk(
    repository: Repository, walked: RepositoryReader, listed: Map<string, ListedFile>,
    records: Map<string, CrawledObject>, notStac: Map<string, IndexProblem[]>, progress: ProgressWriter,
  ): Promise<RepositoryReader> {
    const { catalog, state, validator } = this.#deps;
    const keys = new Set(listed.keys());
    const reader = await this.#prefetched(walked, listed, progress);
    const found = new Map<string, Pending>();
    const refused = new Set<string>();
    const of = (key: string) => {
      let entry = found.get(key);
      if (!entry) {
        entry = { key, items: [], collections: [], problems: [] };
        found.set(key, entry);
        progress.status.progress!.read = found.size;
      }
      return entry;
    };
    let batch: { key: string; item: StacItem }[] = [];
    const flush = async () => {
      for (const r of await this.#upsertChanged(batch)) {
        refused.add(r.ref);
        of(r.key).problems.push(r.problem);
      }
      batch = [];
    };
    const notStacKeys = new Set<string>();
    for await (const entry of walkStac(reader, { repositoryCollectionId: collectionIdFor(repository), validator, ...(this.#deps.readCap ? { readCap: this.#deps.readCap } : {}) })) {
      if (entry.kind === 'not-stac') {
        notStacKeys.add(entry.key);
        continue;
      }
      const key = sourceKey(entry.path, keys);
      if (entry.kind === 'problem') {
        of(key).problems.push({ path: entry.path, message: entry.message, ...(entry.pointer ? { pointer: entry.pointer } : {}), kind: 'invalid' });
      } else if (entry.kind === 'collection') {
        of(key).collections.push(entry.collection);
        // Written at once: the items that follow name it.
        const ref = refOf({ kind: 'collection', id: entry.collection.id });
        if (this.#force || hashesOf(this.#previous.get(key)).get(ref) !== hashOf(entry.collection)) {
          const result = await catalog.upsertCollections([entry.collection], repository);
          for (const e of result.errors) {
            refused.add(ref);
            of(key).problems.push({ path: entry.path, message: `the catalog refused collection ${entry.collection.id}: ${e.message}`, kind: 'invalid' });
          }
        }
      } else {
        of(key).items.push(entry.item);
        batch.push({ key, item: entry.item });
        if (batch.length >= BATCH) await flush();
      }
      await progress.maybe();
    }
    await flush();

    const stacRecords: CrawledObject[] = [];
    for (const file of listed.values()) {
      if (!STAC_CANDIDATE.test(file.key)) continue;
      const entry = found.get(file.key);
      if (notStacKeys.has(file.key)) {
        notStac.set(file.key, entry?.problems ?? []);
        continue;
      }
      const outputs: Output[] = [
        ...(entry?.collections ?? []).map((c) => ({ kind: 'collection' as const, id: c.id, hash: hashOf(c) })),
        ...(entry?.items ?? []).map(itemOutput),
      ].filter((o) => !refused.has(refOf(o)));
      stacRecords.push(this.#record(file, outputs, entry?.problems ?? [], true));
    }
    await state.putObjects(this.#accountId, this.#repositoryId, stacRecords);
    for (const record of stacRecords) records.set(record.key, record);
    this.#deps.documents.keepOnly(`${this.#accountId}/${this.#repositoryId}`,
      new Map([...listed.values()].filter((f) => STAC_CANDIDATE.test(f.key) && f.etag).map((f) => [f.key, f.etag!])));
    return reader;
  }

  /**
   * The reader the walker gets: STAC documents come from the document cache;
   * the ones it lacks (new or changed since the last crawl) are fetched into it
   * first, FETCH_CONCURRENCY at a time, rather than one by one as the walker
   * would read them. Anything else — or a document that changed again since the
   * listing — is read through the data proxy as before.
   */
  async #prefetched(reader: RepositoryReader, listed: Map<string, ListedFile>, progress: ProgressWriter): Promise<RepositoryReader> {
    const { documents, proxy } = this.#deps;
    const repository = `${this.#accountId}/${this.#repositoryId}`;
    const cap = this.#deps.readCap ?? DEFAULT_READ_CAP;
    // A reindex reads every document again, cached or not.
    const wanted = [...listed.values()].filter((f) => STAC_CANDIDATE.test(f.key) && f.etag && f.size <= cap && (this.#force || !documents.get(repository, f.key, f.etag)));
    for (let i = 0; i < wanted.length; i += FETCH_CONCURRENCY * 8) {
      const fetched: { key: string; etag: string; body: Uint8Array }[] = [];
      const chunk = wanted.slice(i, i + FETCH_CONCURRENCY * 8);
      for (let j = 0; j < chunk.length; j += FETCH_CONCURRENCY) {
        await Promise.all(chunk.slice(j, j + FETCH_CONCURRENCY).map(async (file) => {
          // A document that cannot be fetched now is left to the walker, which reports why.
          const got = await proxy.fetch(this.#accountId, this.#repositoryId, file.key).catch(() => undefined);
          if (got) fetched.push({ key: file.key, etag: got.etag ?? file.etag!, body: got.body });
        }));
      }
      documents.put(repository, fetched);
      progress.status.progress!.read = Math.min(wanted.length, i + chunk.length);
      await progress.maybe();
    }
    return {
      baseUrl: reader.baseUrl,
      list: () => reader.list(),
      open: async (key, size) => {
        const etag = listed.get(key)?.etag;
        const cached = etag === undefined ? undefined : documents.get(repository, key, etag);
        return cached ? memorySource(key, cached) : reader.open(key, size);
      },
    };
  }

  /** A file's record and item, read through range requests; a read or header problem is a problem, never a thrown error. */
  async #readFile(repository: Repository, reader: RepositoryReader, file: ListedFile, walkProblems: IndexProblem[]): Promise<{ record: CrawledObject; item?: StacItem }> {
    try {
      const source = blockCached(await reader.open(file.key, file.size));
      const result = await extractFile({ key: file.key, source, href: keyUrl(reader.baseUrl, file.key).href, lastModified: file.lastModified, ...(file.etag ? { etag: file.etag } : {}) },
        this.#deps.readCap ? { readCap: this.#deps.readCap } : {});
      const item = result.item ? { ...result.item, collection: collectionIdFor(repository) } : undefined;
      const problems = [...walkProblems, ...result.problems.map((p) => ({ ...p, kind: 'failed' as const }))];
      const record = this.#record(file, item ? [itemOutput(item)] : [], problems, false);
      return { record: { ...record, type: result.entry.type, ...(result.entry.checksum ? { checksum: result.entry.checksum } : {}) }, item };
    } catch (error) {
      return { record: this.#record(file, [], [...walkProblems, { path: file.key, message: `cannot read: ${problemText(error)}`, kind: 'failed' }], false) };
    }
  }

  /**
   * The new record of a listed object; what the last crawl's record made and
   * this one makes no more is carried as stale. `base`: fields of a record
   * already made in this crawl (type, checksum) to keep.
   */
  #record(file: ListedFile, outputs: Output[], problems: IndexProblem[], stac: boolean, base?: CrawledObject): CrawledObject {
    const before = this.#previous.get(file.key);
    const now = new Set(outputs.map(refOf));
    const stale = [...(before?.stale ?? []), ...(before?.outputs ?? [])].filter((o) => !now.has(refOf(o)));
    const { stale: _stale, problems: _problems, stac: _stac, ...kept } = base ?? ({} as Partial<CrawledObject>);
    return {
      type: mediaTypeOf(file.key), ...kept,
      key: file.key, etag: file.etag ?? '', size: file.size, lastModified: file.lastModified.toISOString(), outputs,
      ...(stac ? { stac: true } : {}), ...(problems.length > 0 ? { problems } : {}), ...(stale.length > 0 ? { stale } : {}),
    };
  }

  /** Upserts the items whose hash changed since the last crawl (all of them on a reindex); answers the ones the catalog refused. */
  async #upsertChanged(batch: { key: string; item: StacItem }[]): Promise<Refusal[]> {
    const changed = batch.filter(({ key, item }) => this.#force || hashesOf(this.#previous.get(key)).get(refOf({ kind: 'item', id: item.id, collection: item.collection })) !== hashOf(item));
    if (changed.length === 0) return [];
    // The media type is added on the way in, not to the hashed item, so adding it changes no hash.
    const result = await this.#deps.catalog.upsertItems(changed.map((c) => withMediaType(c.item)));
    return result.errors.map((e) => {
      const { key, item } = changed[e.index];
      return { key, ref: refOf({ kind: 'item', id: item.id, collection: item.collection }), problem: { path: key, message: `the catalog refused item ${item.id}: ${e.message}`, kind: 'invalid' } };
    });
  }

  /** Deletes stale outputs no record makes now, then forgets deleted objects and the stale lists. */
  async #clean(records: Map<string, CrawledObject>, deleted: CrawledObject[]): Promise<void> {
    const { catalog, state } = this.#deps;
    const live = new Set([...records.values()].flatMap((r) => r.outputs.map(refOf)));
    const stale = new Map<string, Output>();
    for (const o of [...[...records.values()].flatMap((r) => r.stale ?? []), ...deleted.flatMap((r) => [...r.outputs, ...(r.stale ?? [])])]) {
      if (!live.has(refOf(o))) stale.set(refOf(o), o);
    }
    const items = [...stale.values()].filter((o) => o.kind === 'item');
    for (let i = 0; i < items.length; i += BATCH) {
      // An item already gone (an earlier, interrupted crawl deleted it) is reported by deleteItems as not written: that is the goal.
      await catalog.deleteItems(items.slice(i, i + BATCH).map((o) => ({ collection: o.collection!, id: o.id })));
    }
    for (const o of stale.values()) if (o.kind === 'collection') await catalog.deleteCollection(o.id);
    const cleaned = [...records.values()].filter((r) => r.stale).map(({ stale: _stale, ...rest }) => rest);
    await state.putObjects(this.#accountId, this.#repositoryId, cleaned);
    for (const record of cleaned) records.set(record.key, record);
    await state.deleteObjects(this.#accountId, this.#repositoryId, deleted.map((r) => r.key));
  }

  /** The repository's collection with the extent of everything indexed from it (whole world and all time while nothing has a footprint). */
  async #writeExtent(repository: Repository, records: Map<string, CrawledObject>): Promise<void> {
    const { catalog, metadata } = this.#deps;
    const builder = new ExtentBuilder();
    for (const record of records.values()) {
      for (const o of record.outputs) {
        if (o.kind !== 'item') continue;
        const [start, end] = o.interval ?? [null, null];
        builder.add({
          type: 'Feature', stac_version: '1.0.0', id: o.id, geometry: null, links: [], assets: {}, ...(o.bbox ? { bbox: o.bbox } : {}),
          properties: { datetime: null, ...(start ? { start_datetime: start } : {}), ...(end ? { end_datetime: end } : {}) },
        } as unknown as StacItem);
      }
    }
    // Read again: an update of the repository since the crawl began must not be undone.
    const current = await metadata.getRepository(repository.accountId, repository.repositoryId);
    if (!current) return;
    const id = collectionIdFor(current);
    const document = collectionDocFor(current, await catalog.getCollection(id));
    document.extent = builder.extent() ?? WHOLE_WORLD;
    const result = await catalog.upsertCollections([document], current);
    if (result.errors.length > 0) throw new Error(`the catalog refused collection ${id}: ${result.errors.map((e) => e.message).join('; ')}`);
  }

  #finalStatus(status: IndexStatus, records: Map<string, CrawledObject>, seen: number): IndexStatus {
    const all = [...records.values()];
    const problems = all.flatMap((r) => r.problems ?? []).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const { progress: _progress, reindexRequested: _reindex, error: _error, ...rest } = status;
    return {
      ...rest,
      state: 'indexed',
      counts: {
        seen,
        indexed: all.reduce((sum, r) => sum + r.outputs.length, 0),
        invalid: problems.filter((p) => p.kind === 'invalid').length,
        failed: all.filter((r) => (r.problems ?? []).some((p) => p.kind === 'failed')).length,
      },
      problems: problems.slice(0, MAX_PROBLEMS).map((p) => ({ ...p, message: p.message.slice(0, 1000) })),
      problemCount: problems.length,
      finishedAt: this.#now(),
      updatedAt: this.#now(),
    };
  }
}
