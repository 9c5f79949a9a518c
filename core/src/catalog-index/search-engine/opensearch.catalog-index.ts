// The catalog index on OpenSearch: the official client (@opensearch-project/opensearch)
// spelling the calls of SearchEngineClient. Everything else is shared with
// Elasticsearch in SearchEngineCatalogIndex.
import { Client, errors } from '@opensearch-project/opensearch';
import { SearchEngineCatalogIndex, type SearchEngineCatalogOptions } from './search-engine.catalog-index.ts';
import { SearchEngineError, type BulkItemResult, type Json, type SearchEngineClient, type SearchResponse, type StoredDocument } from './search-engine-client.ts';

/** A reindex answers when it is done; a large one takes long. */
const REINDEX_TIMEOUT_MS = 6 * 3_600_000;

interface ErrorBody {
  error?: string | { type?: string; reason?: string; root_cause?: { reason?: string }[]; caused_by?: { reason?: string } };
}

/** The engine's own type and reason, with the root cause when it says more (as a failed search's does). */
function engineError(error: unknown): unknown {
  // The client's other errors carry its connection (and so the credentials in SEARCH_URL) in their `meta`: keep the message only.
  if (error instanceof errors.OpenSearchClientError && !(error instanceof errors.ResponseError)) return new Error(`${error.name}: ${error.message}`);
  if (!(error instanceof errors.ResponseError)) return error;
  const body = error.body as ErrorBody | undefined;
  const detail = typeof body?.error === 'object' ? body.error : undefined;
  const cause = detail?.root_cause?.[0]?.reason ?? detail?.caused_by?.reason;
  const reason = detail?.reason ?? (typeof body?.error === 'string' ? body.error : error.message);
  return new SearchEngineError(error.statusCode, detail?.type ?? 'error', cause && cause !== reason ? `${reason} (${cause})` : reason);
}

async function call<T>(run: () => Promise<{ body: unknown }>): Promise<T> {
  try {
    return (await run()).body as T;
  } catch (error) {
    throw engineError(error);
  }
}

const isNotFound = (error: unknown) => error instanceof SearchEngineError && error.status === 404;

/** Request bodies are plain JSON built by the shared modules; the client's generated types describe the same JSON. */
const body = <T>(value: unknown) => value as T;

export function openSearchClient(client: Client): SearchEngineClient {
  return {
    engine: 'OpenSearch',
    async aliasTargets(alias) {
      try {
        return Object.keys(await call<Json>(() => client.indices.getAlias({ name: alias })));
      } catch (error) {
        if (isNotFound(error)) return [];
        throw error;
      }
    },
    async createIndex(index, request) {
      try {
        await call(() => client.indices.create({ index, body: body(request) }));
        return 'created';
      } catch (error) {
        if (error instanceof SearchEngineError && error.type === 'resource_already_exists_exception') return 'exists';
        throw error;
      }
    },
    async deleteIndices(indices) {
      if (indices.length === 0) return;
      await call(() => client.indices.delete({ index: indices.join(','), ignore_unavailable: true }));
    },
    async updateAliases(actions) {
      await call(() => client.indices.updateAliases({ body: body({ actions }) }));
    },
    async addFields(index, properties) {
      await call(() => client.indices.putMapping({ index, body: body({ properties }), ignore_unavailable: true, allow_no_indices: true }));
    },
    async mappingMeta(index) {
      const mappings = await call<Record<string, { mappings?: { _meta?: Json } }>>(() => client.indices.getMapping({ index }));
      return Object.values(mappings)[0]?.mappings?._meta ?? {};
    },
    async refresh(index) {
      await call(() => client.indices.refresh({ index }));
    },
    async bulk(operations, refresh) {
      const answer = await call<{ items: Record<string, BulkItemResult>[] }>(() => client.bulk({ body: body(operations), refresh }));
      return answer.items.map((item) => Object.values(item)[0]);
    },
    async get(index, id, options = {}) {
      try {
        const found = await call<StoredDocument & { found: boolean }>(() => client.get({
          index, id, ...(options.routing === undefined ? {} : { routing: options.routing }), ...(options.source ? { _source_includes: options.source } : {}),
        }));
        return found.found ? found : undefined;
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },
    async mget(index, docs) {
      if (docs.length === 0) return [];
      const answer = await call<{ docs: (StoredDocument & { found?: boolean })[] }>(() => client.mget({ index, body: body({ docs }) }));
      return answer.docs.map((doc) => (doc.found ? doc : undefined));
    },
    async search(index, request, options = {}) {
      return call<SearchResponse>(() => client.search({
        index, body: body(request),
        ...(options.routing ? { routing: options.routing } : {}),
        ...(options.ignoreUnavailable ? { ignore_unavailable: true, allow_no_indices: true } : {}),
      }));
    },
    async updateByQuery(index, request) {
      const answer = await call<{ updated: number; failures: unknown[] }>(() => client.updateByQuery({
        index, body: body(request), refresh: true, conflicts: 'proceed', ignore_unavailable: true, allow_no_indices: true,
      }));
      return { updated: answer.updated, failures: answer.failures ?? [] };
    },
    async deleteByQuery(index, query) {
      const answer = await call<{ deleted: number }>(() => client.deleteByQuery({
        index, body: body({ query }), refresh: true, conflicts: 'proceed', ignore_unavailable: true, allow_no_indices: true,
      }));
      return { deleted: answer.deleted };
    },
    async reindex(request) {
      const answer = await call<{ created: number; updated: number; failures: unknown[] }>(() => client.reindex({
        body: body(request), refresh: true, wait_for_completion: true,
      }, { requestTimeout: REINDEX_TIMEOUT_MS }));
      return { created: answer.created, updated: answer.updated, failures: answer.failures ?? [] };
    },
    async close() {
      await client.close();
    },
  };
}

/** Opens (creating on first use) the catalog's indices on the OpenSearch cluster at `url`. */
export async function openOpenSearchCatalogIndex(url: string, options: Omit<SearchEngineCatalogOptions, 'client'>): Promise<SearchEngineCatalogIndex> {
  const client = openSearchClient(new Client({ node: url }));
  try {
    return await SearchEngineCatalogIndex.open({ ...options, client });
  } catch (error) {
    await client.close();
    throw error;
  }
}
