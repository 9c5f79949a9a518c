// Search benchmark on OpenSearch: loads N synthetic items (bench/search/synthetic-items.ts)
// through SearchEngineCatalogIndex.upsertItems, and the same items into
// stac-fastapi-opensearch (from PyPI, in a venv of its own) on the same node; then
// times the embedded benchmark's query mix (bench/search/query-mix.ts) over HTTP
// against Meridian's /stac/search (served in this process) and stac-fastapi's
// /search, interleaved request by request, with the engine's `took` recorded for
// each of Meridian's requests (API overhead = latency − took).
//
//   node bench/search/opensearch.ts [--items N] [--layout single|per-collection] [--no-stac-fastapi]
//                                   [--reuse] [--runs R] [--warmup W] [--depth PAGES] [--no-docs] [--report-only]
//
// The node (scripts/opensearch.sh's launcher) is started on --port with its data in
// .bench/opensearch unless one answers there already. Each run keeps its figures in
// .bench/opensearch-results/; the report (stdout and its section of
// docs/benchmarks.md) shows the last run with stac-fastapi side by side, and every
// run's figures by index layout.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism, homedir, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from '@opensearch-project/opensearch';
import { createApp } from '../../api/src/app.ts';
import { repositoryStores } from '../../api/src/data-proxy/repository-stores.ts';
import { fileAvatarStorage } from '../../core/src/accounts/avatar-storage.ts';
import { openSearchClient } from '../../core/src/catalog-index/search-engine/opensearch.catalog-index.ts';
import { SearchEngineCatalogIndex } from '../../core/src/catalog-index/search-engine/search-engine.catalog-index.ts';
import type { SearchEngineClient, SearchResponse } from '../../core/src/catalog-index/search-engine/search-engine-client.ts';
import type { IndexLayoutName } from '../../core/src/catalog-index/search-engine/index-layout.ts';
import { MAPPING_VERSION } from '../../core/src/catalog-index/search-engine/index-mapping.ts';
import { loadConfig } from '../../core/src/config/config.ts';
import { InProcessJobQueue } from '../../core/src/job-queue/in-process.job-queue.ts';
import { createLogger } from '../../core/src/logging/logger.ts';
import { openMetadataStore } from '../../core/src/metadata-store/open-metadata-store.ts';
import { freePort, startProcess, type LoopbackProcess } from '../../core/src/testing/loopback-server.ts';
import { seededRandom } from '../../core/src/testing/seeded-random.ts';
import { fmt, machine, percentile, REPO, writeDocsSection } from '../bench-report.ts';
import { queryMix, type Params } from './query-mix.ts';
import { collectionDocuments, syntheticBatches } from './synthetic-items.ts';

const SECTION = '## Search on OpenSearch: Meridian and stac-fastapi-opensearch';
/** The embedded benchmark's seed (bench/search/run.ts): the same items and the same query parameters. */
const SEED = 20_250_601;
const LIMITS = [10, 100];
const STAC_FASTAPI_PREFIX = 'sfeos';

const { values: args } = parseArgs({
  options: {
    items: { type: 'string', default: '1000000' },
    batch: { type: 'string', default: '10000' },
    'load-concurrency': { type: 'string', default: '2' },
    layout: { type: 'string', default: 'single' },
    port: { type: 'string', default: '9250' },
    heap: { type: 'string', default: '4g' },
    'no-stac-fastapi': { type: 'boolean', default: false },
    reuse: { type: 'boolean', default: false },
    runs: { type: 'string', default: '100' },
    warmup: { type: 'string', default: '10' },
    depth: { type: 'string', default: '50' },
    'no-docs': { type: 'boolean', default: false },
    // Writes the report from the figures kept in .bench/opensearch-results, without running anything.
    'report-only': { type: 'boolean', default: false },
  },
});
const ITEMS = Number(args.items?.replace(/_/g, ''));
const BATCH = Number(args.batch?.replace(/_/g, ''));
const RUNS = Number(args.runs);
const WARMUP = Number(args.warmup);
const DEPTH = Number(args.depth);
const LAYOUT = args.layout as IndexLayoutName;
const LOAD_CONCURRENCY = Number(args['load-concurrency']);
const WITH_STAC_FASTAPI = !args['no-stac-fastapi'];
if (!Number.isInteger(ITEMS) || ITEMS < 1 || !Number.isInteger(BATCH) || BATCH < 1 || !Number.isInteger(RUNS) || RUNS < 1
  || !Number.isInteger(WARMUP) || WARMUP < 0 || !Number.isInteger(DEPTH) || DEPTH < 2 || !['single', 'per-collection'].includes(LAYOUT)) {
  throw new Error('usage: node bench/search/opensearch.ts [--items N] [--batch B] [--layout single|per-collection] [--port P] [--heap 4g] '
    + '[--no-stac-fastapi] [--reuse] [--runs R] [--warmup W] [--depth PAGES] [--no-docs] [--report-only]');
}
const NODE_URL = `http://127.0.0.1:${args.port}`;
const PREFIX = `bench-${LAYOUT}`;
const RESULTS = join(REPO, '.bench/opensearch-results');
const VENV = join(REPO, '.bench/stac-fastapi-venv');
const QUERIES = queryMix(DEPTH);
const deepRuns = () => Math.max(10, Math.round(RUNS / 4));

const log = (message: string) => process.stderr.write(`${message}\n`);
const loadRange = (samples: number[]): [number, number] => [Math.min(...samples), Math.max(...samples)];

// ---------------------------------------------------------------------------
// The node

async function engine(path: string, init: RequestInit = {}): Promise<unknown> {
  const response = await fetch(`${NODE_URL}${path}`, { ...init, headers: { 'content-type': 'application/json', ...init.headers } });
  const text = await response.text();
  if (!response.ok) throw new Error(`OpenSearch ${init.method ?? 'GET'} ${path}: ${response.status} ${text.slice(0, 500)}`);
  return text ? JSON.parse(text) : undefined;
}

async function startNode(): Promise<LoopbackProcess | undefined> {
  try {
    await engine('/_cluster/health');
    log(`using the OpenSearch node that answers on ${NODE_URL}`);
    return undefined;
  } catch { /* none there: start one */ }
  const home = process.env.MERIDIAN_OPENSEARCH_DIR || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'meridian', 'opensearch');
  const data = join(REPO, '.bench/opensearch');
  mkdirSync(data, { recursive: true });
  log(`starting OpenSearch on ${NODE_URL} (heap ${args.heap}, data in .bench/opensearch)`);
  const node = await startProcess('OpenSearch', join(home, 'bin', 'opensearch-loopback'), [String(args.port), data], {
    ready: { url: `${NODE_URL}/_cluster/health` }, deadlineMs: 180_000, stdin: 'pipe',
    env: { ...process.env, MERIDIAN_OPENSEARCH_HEAP: args.heap as string },
  });
  // The node answers before it has opened the indices kept in .bench/opensearch; searches fail until it has.
  await engine('/_cluster/health?wait_for_status=yellow&timeout=180s');
  return node;
}

/** Items in the indices `pattern` names (0 when there are none). */
async function countOf(pattern: string): Promise<number> {
  const answer = await engine(`/${pattern}/_count?ignore_unavailable=true&allow_no_indices=true`) as { count: number };
  return answer.count;
}

async function indicesOf(pattern: string): Promise<string[]> {
  const rows = await engine(`/_cat/indices/${pattern}?format=json&h=index`) as { index: string }[];
  return rows.map((r) => r.index);
}

/**
 * What a bulk load sets on the indices it fills: no periodic refresh and no replica
 * (each would redo the indexing); restored, and refreshed once, when it ends.
 */
async function bulkLoadSettings(pattern: string, loading: boolean): Promise<void> {
  const settings = loading ? { refresh_interval: '-1', number_of_replicas: 0 } : { refresh_interval: null };
  await engine(`/${pattern}/_settings`, { method: 'PUT', body: JSON.stringify({ index: settings }) });
  if (!loading) await engine(`/${pattern}/_refresh`, { method: 'POST' });
}

interface LoadStats {
  items: number;
  seconds: number;
  batch: number;
  loadAverage: [number, number];
  date: string;
}

const loadStatsFile = (name: string) => join(RESULTS, `load-${name}-${ITEMS}.json`);

function reusable(name: string, count: number): LoadStats | undefined {
  if (!args.reuse || count !== ITEMS || !existsSync(loadStatsFile(name))) return undefined;
  log(`reusing the ${count.toLocaleString('en-US')} items loaded into ${name}`);
  return JSON.parse(readFileSync(loadStatsFile(name), 'utf8')) as LoadStats;
}

// ---------------------------------------------------------------------------
// Meridian

/** Since the last reset (one request at a time): the engine's `took` summed over the searches, and the calls of any kind made. */
let engineTook = 0;
let engineCalls = 0;
/** Milliseconds inside the adapter client's search calls: the round trip, of which `took` is the engine's share. */
let engineRoundTrip = 0;

/** The adapter's client, recording `took` and counting calls for the benchmark: the API never sees either. */
function recording(client: SearchEngineClient): SearchEngineClient {
  const wrapped: Record<string, unknown> = { ...client };
  for (const [name, method] of Object.entries(client)) {
    if (typeof method !== 'function' || name === 'close') continue;
    wrapped[name] = async (...callArgs: unknown[]) => {
      engineCalls++;
      const t0 = performance.now();
      const answer = await (method as (...a: unknown[]) => Promise<unknown>)(...callArgs);
      if (name === 'search') {
        engineRoundTrip += performance.now() - t0;
        engineTook += (answer as SearchResponse).took ?? 0;
      }
      return answer;
    };
  }
  return wrapped as unknown as SearchEngineClient;
}

async function openMeridianCatalog(): Promise<SearchEngineCatalogIndex> {
  return SearchEngineCatalogIndex.open({
    client: recording(openSearchClient(new Client({ node: NODE_URL }))), indexPrefix: PREFIX, layout: LAYOUT, replicas: 0, refresh: false,
  });
}

/** The lowest mapping version among Meridian's item indices (0 when there are none). */
async function mappingVersionOf(pattern: string): Promise<number> {
  const mappings = await engine(`/${pattern}/_mapping?ignore_unavailable=true&allow_no_indices=true`) as Record<string, { mappings: { _meta?: { meridian_mapping_version?: number } } }>;
  const versions = Object.values(mappings).map((m) => m.mappings._meta?.meridian_mapping_version ?? 0);
  return versions.length === 0 ? 0 : Math.min(...versions);
}

async function loadMeridian(): Promise<LoadStats> {
  const itemsPattern = `${PREFIX}-items*`;
  // Items loaded with an older mapping are loaded again: the figures are for the current one.
  const current = await mappingVersionOf(itemsPattern) === MAPPING_VERSION;
  const reused = current ? reusable(PREFIX, await countOf(itemsPattern)) : undefined;
  if (reused) return reused;
  const old = await openMeridianCatalog();
  await old.destroy();
  await old.close();
  const index = await openMeridianCatalog();
  const collections = await index.upsertCollections(collectionDocuments());
  if (collections.errors.length > 0) throw new Error(`collections: ${JSON.stringify(collections.errors)}`);
  await bulkLoadSettings(itemsPattern, true);
  let loaded = 0;
  let upsertMs: number;
  const samples = [loadavg()[0]];
  let lastReport = performance.now();
  // LOAD_CONCURRENCY batches in flight: while the engine indexes one, this process prepares the next.
  const started = performance.now();
  const inFlight = new Set<Promise<void>>();
  for (const batch of syntheticBatches(ITEMS, BATCH, SEED)) {
    const write = index.upsertItems(batch).then((result) => {
      if (result.errors.length > 0) throw new Error(`items: ${result.errors.length} errors, first: ${JSON.stringify(result.errors[0])}`);
      loaded += result.written;
      if (performance.now() - lastReport > 10_000 || loaded === ITEMS) {
        lastReport = performance.now();
        samples.push(loadavg()[0]);
        log(`Meridian (${LAYOUT}): ${loaded.toLocaleString('en-US')}/${ITEMS.toLocaleString('en-US')} items, ${fmt(loaded / ((performance.now() - started) / 1000), 0)} items/s`);
      }
    });
    inFlight.add(write);
    void write.finally(() => inFlight.delete(write)).catch(() => {});
    if (inFlight.size >= LOAD_CONCURRENCY) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  // Wall clock: generating the next batch overlaps with the engine indexing the ones in flight.
  upsertMs = performance.now() - started;
  const t0 = performance.now();
  await bulkLoadSettings(itemsPattern, false);
  upsertMs += performance.now() - t0;
  await index.close();
  const stats: LoadStats = { items: loaded, seconds: upsertMs / 1000, batch: BATCH, loadAverage: loadRange(samples), date: new Date().toISOString() };
  writeFileSync(loadStatsFile(PREFIX), JSON.stringify(stats, null, 2));
  return stats;
}

async function startMeridian(catalog: SearchEngineCatalogIndex): Promise<{ url: string; close(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'meridian-bench-'));
  const config = loadConfig({ DATA_DIR: dataDir, ADMIN_TOKEN: 'bench-admin-token-0123456789abcdef', LOG_LEVEL: 'silent' });
  const metadata = await openMetadataStore(config);
  const logger = createLogger('silent');
  const jobs = new InProcessJobQueue({ logger });
  const app = createApp({ catalog, config, adminToken: config.adminToken as string, logger, metadata: metadata.store, avatars: fileAvatarStorage(dataDir),
    openStore: repositoryStores(config), jobs });
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/stac`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await jobs.close();
      await metadata.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------------------
// stac-fastapi-opensearch

const stacFastApiEnv = () => ({
  ...process.env,
  ES_HOST: '127.0.0.1', ES_PORT: String(args.port), ES_USE_SSL: 'false', ES_VERIFY_CERTS: 'false',
  STAC_COLLECTIONS_INDEX: `${STAC_FASTAPI_PREFIX}-collections`, STAC_ITEMS_INDEX_PREFIX: `${STAC_FASTAPI_PREFIX}-items_`,
  ENABLE_TRANSACTIONS_EXTENSIONS: 'true', DATABASE_REFRESH: 'false', WEB_CONCURRENCY: '1',
});

function stacFastApiVersion(): string {
  const requirements = readFileSync(join(REPO, 'bench/search/stac-fastapi-requirements.txt'), 'utf8');
  return /^stac-fastapi-opensearch==(\S+)/m.exec(requirements)?.[1] ?? 'unknown';
}

async function run(command: string, commandArgs: string[]): Promise<void> {
  const child = spawn(command, commandArgs, { stdio: ['ignore', 'inherit', 'inherit'] });
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  if (code !== 0) throw new Error(`${command} ${commandArgs.join(' ')} exited with ${code}`);
}

/** The venv, with the pinned versions of bench/search/stac-fastapi-requirements.txt. */
async function ensureVenv(): Promise<void> {
  const stamp = join(VENV, 'requirements.txt');
  const wanted = readFileSync(join(REPO, 'bench/search/stac-fastapi-requirements.txt'), 'utf8');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted) return;
  log(`installing stac-fastapi-opensearch ${stacFastApiVersion()} into .bench/stac-fastapi-venv`);
  await run('python3', ['-m', 'venv', VENV]);
  await run(join(VENV, 'bin/pip'), ['install', '-q', '-r', join(REPO, 'bench/search/stac-fastapi-requirements.txt')]);
  writeFileSync(stamp, wanted);
}

async function startStacFastApi(): Promise<LoopbackProcess & { url: string }> {
  const port = await freePort();
  const server = await startProcess('stac-fastapi-opensearch', join(VENV, 'bin/uvicorn'),
    ['stac_fastapi.opensearch.app:create_app', '--factory', '--host', '127.0.0.1', '--port', String(port), '--log-level', 'warning', '--no-access-log'], {
      ready: { url: `http://127.0.0.1:${port}/` }, deadlineMs: 60_000, env: stacFastApiEnv(),
    });
  return Object.assign(server, { url: `http://127.0.0.1:${port}` });
}

async function loadStacFastApi(url: string): Promise<LoadStats> {
  const itemsPattern = `${STAC_FASTAPI_PREFIX}-items_*`;
  const reused = reusable(STAC_FASTAPI_PREFIX, await countOf(itemsPattern));
  if (reused) return reused;
  for (const collection of collectionDocuments()) {
    await fetch(`${url}/collections/${collection.id}`, { method: 'DELETE' }).then((r) => r.body?.cancel());
    const response = await fetch(`${url}/collections`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(collection) });
    if (!response.ok) throw new Error(`stac-fastapi: POST /collections ${collection.id}: ${response.status} ${await response.text()}`);
  }
  const stale = await indicesOf(itemsPattern);
  log(`stac-fastapi item indices: ${stale.join(', ')}`);
  await bulkLoadSettings(itemsPattern, true);
  const samples = [loadavg()[0]];
  const started = performance.now();
  const loader = spawn(join(VENV, 'bin/python'), [join(REPO, 'bench/search/stac-fastapi-load.py'), String(BATCH), String(LOAD_CONCURRENCY)], {
    stdio: ['pipe', 'pipe', 'inherit'], env: stacFastApiEnv(),
  });
  let output = '';
  loader.stdout.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); });
  const closed = new Promise<number | null>((resolve) => loader.once('close', resolve));
  let sent = 0;
  let lastReport = performance.now();
  for (const batch of syntheticBatches(ITEMS, BATCH, SEED)) {
    if (!loader.stdin.write(batch.map((item) => JSON.stringify(item)).join('\n') + '\n')) {
      await new Promise((resolve) => loader.stdin.once('drain', resolve));
    }
    sent += batch.length;
    if (performance.now() - lastReport > 10_000) {
      lastReport = performance.now();
      samples.push(loadavg()[0]);
      log(`stac-fastapi: ${sent.toLocaleString('en-US')} items sent to its loader`);
    }
  }
  loader.stdin.end();
  if (await closed !== 0) throw new Error('stac-fastapi loader failed');
  const { items } = JSON.parse(output.trim().split('\n').pop() as string) as { items: number };
  await bulkLoadSettings(itemsPattern, false);
  samples.push(loadavg()[0]);
  const stats: LoadStats = { items, seconds: (performance.now() - started) / 1000, batch: BATCH, loadAverage: loadRange(samples), date: new Date().toISOString() };
  log(`stac-fastapi: ${items.toLocaleString('en-US')} items, ${fmt(items / stats.seconds, 0)} items/s`);
  writeFileSync(loadStatsFile(STAC_FASTAPI_PREFIX), JSON.stringify(stats, null, 2));
  return stats;
}

// ---------------------------------------------------------------------------
// Queries, over HTTP

interface Link {
  rel: string;
  href: string;
  method?: string;
  body?: unknown;
}

interface Answer {
  ms: number;
  matched: number;
  returned: number;
  next?: Link;
}

/** One request, timed until its whole body has arrived (parsing it is not timed). */
async function request(url: string, init: RequestInit = {}): Promise<Answer> {
  const t0 = performance.now();
  const response = await fetch(url, init);
  const body = await response.arrayBuffer();
  const ms = performance.now() - t0;
  const text = Buffer.from(body).toString('utf8');
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${url}: ${response.status} ${text.slice(0, 500)}`);
  const page = JSON.parse(text) as { features: unknown[]; numberMatched?: number; context?: { matched?: number }; links?: Link[] };
  return { ms, matched: page.numberMatched ?? page.context?.matched ?? NaN, returned: page.features.length, next: page.links?.find((l) => l.rel === 'next') };
}

const follow = (link: Link) => request(link.href, link.method === 'POST'
  ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(link.body) }
  : {});

/** Follows `next` to page DEPTH - 1, then the page-DEPTH request is the one timed. */
async function search(base: string, params: Params, deep: boolean): Promise<Answer & { depth: number }> {
  let answer = await request(`${base}/search?${new URLSearchParams(params)}`);
  let depth = 1;
  while (deep && depth < DEPTH && answer.next) {
    answer = await follow(answer.next);
    depth++;
  }
  return { ...answer, depth };
}

interface Series {
  ms: number[];
  matched: number;
  returned: number;
  /** Meridian only: engine `took` and latency − took, per request. */
  took?: number[];
  overhead?: number[];
  /** Meridian only: of the overhead, the part between the adapter's client and the engine (round trip − took). */
  transport?: number[];
  /** Meridian only: engine calls (of any kind) per request. */
  calls?: number;
  /** Runs whose pagination ended before page DEPTH. */
  shallow: number;
}

interface Row {
  query: string;
  limit: number;
  runs: number;
  meridian: Series;
  stacFastApi?: Series;
}

const emptySeries = (): Series => ({ ms: [], matched: 0, returned: 0, shallow: 0 });

const querySamples: number[] = [];

/**
 * Every kind of search a few times against both APIs before any row is timed: a
 * node and an API just started would otherwise spend the first row's warm-up runs
 * compiling, and that row alone would time them still warming up.
 */
async function warmUp(meridian: string, stacFastApi: string | undefined): Promise<void> {
  const random = seededRandom(SEED - 1);
  for (const [k, query] of QUERIES.entries()) {
    for (const limit of LIMITS) {
      for (let i = 0; i < WARMUP; i++) {
        const params = { ...query.params(random), limit: String(limit) };
        for (const base of [meridian, stacFastApi]) if (base) await search(base, params, k === QUERIES.length - 1 && i === 0);
      }
    }
  }
  engineTook = 0;
  engineCalls = 0;
  engineRoundTrip = 0;
}

async function runQueries(meridian: string, stacFastApi: string | undefined): Promise<Row[]> {
  await warmUp(meridian, stacFastApi);
  querySamples.push(loadavg()[0]);
  const rows: Row[] = [];
  for (const [k, query] of QUERIES.entries()) {
    const deep = k === QUERIES.length - 1;
    for (const limit of LIMITS) {
      const random = seededRandom(SEED + 1000 * k + limit);
      const runs = deep ? deepRuns() : RUNS;
      const warmup = deep ? Math.max(2, Math.round(WARMUP / 4)) : WARMUP;
      const ours: Series = { ...emptySeries(), took: [], overhead: [], transport: [] };
      const theirs = emptySeries();
      const started = performance.now();
      for (let i = 0; i < warmup + runs; i++) {
        const params = { ...query.params(random), limit: String(limit) };
        // Alternating who goes first: neither gets the caches the other warmed more often.
        const order = i % 2 === 0 ? ['meridian', 'stac-fastapi'] : ['stac-fastapi', 'meridian'];
        for (const who of order) {
          if (who === 'stac-fastapi' && !stacFastApi) continue;
          const series = who === 'meridian' ? ours : theirs;
          const answer = await search(who === 'meridian' ? meridian : stacFastApi as string, params, deep).then((a) => a, (error: unknown) => {
            throw new Error(`${who}, ${query.name}: ${String(error)}`);
          });
          const took = engineTook;
          const calls = engineCalls;
          const roundTrip = engineRoundTrip;
          engineTook = 0;
          engineCalls = 0;
          engineRoundTrip = 0;
          if (i < warmup) continue;
          series.ms.push(answer.ms);
          series.matched += answer.matched / runs;
          series.returned += answer.returned / runs;
          if (deep && answer.depth < DEPTH) series.shallow++;
          // A deep run's took sums the searches of every page it walked, not the timed one's alone.
          if (who === 'meridian' && !deep) {
            ours.took?.push(took);
            ours.overhead?.push(answer.ms - took);
            ours.transport?.push(roundTrip - took);
            ours.calls = (ours.calls ?? 0) + calls / runs;
          }
        }
      }
      querySamples.push(loadavg()[0]);
      rows.push({ query: query.name, limit, runs, meridian: ours, ...(stacFastApi ? { stacFastApi: theirs } : {}) });
      const p95 = (s: Series) => fmt(percentile([...s.ms].sort((a, b) => a - b), 95));
      log(`${query.name}, limit ${limit}: Meridian p95 ${p95(ours)} ms (~${fmt(ours.matched, 0)} matched${ours.overhead?.length ? `, overhead p50 ${fmt(p(ours.overhead, 50))} ms (client ↔ engine ${fmt(p(ours.transport ?? [], 50))}), ${fmt(ours.calls ?? 0, 1)} engine calls` : ''})`
        + `${stacFastApi ? `, stac-fastapi p95 ${p95(theirs)} ms (~${fmt(theirs.matched, 0)} matched)` : ''} (${fmt((performance.now() - started) / 1000)} s)`);
    }
  }
  return rows;
}

// ---------------------------------------------------------------------------
// Results and report

interface RunResult {
  layout: IndexLayoutName;
  items: number;
  date: string;
  engineVersion: string;
  heap: string;
  runs: number;
  warmup: number;
  load: LoadStats;
  stacFastApiLoad?: LoadStats;
  stacFastApiVersion?: string;
  queryLoadAverage: [number, number];
  rows: Row[];
}

const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
const p = (values: number[], q: number) => percentile(sorted(values), q);
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const rate = (stats: LoadStats) => stats.items / stats.seconds;

function sideBySide(result: RunResult): string[] {
  const lines = [
    '| query | limit | Meridian p50 / p95 / p99 ms | engine took p50 ms | API overhead p50 ms | of which client ↔ engine p50 ms | engine calls per request | stac-fastapi p50 / p95 / p99 ms | p95 ratio (stac-fastapi ÷ Meridian) | throughput ratio (Meridian ÷ stac-fastapi) | mean numberMatched (Meridian / stac-fastapi) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of result.rows) {
    const m = r.meridian;
    const s = r.stacFastApi;
    const triple = (x: Series) => `${fmt(p(x.ms, 50))} / ${fmt(p(x.ms, 95))} / ${fmt(p(x.ms, 99))}`;
    const took = m.took?.length ? fmt(p(m.took, 50)) : '–';
    const overhead = m.overhead?.length ? fmt(p(m.overhead, 50)) : '–';
    const differs = s !== undefined && Math.abs(s.matched - m.matched) > 0.01 * Math.max(1, m.matched);
    lines.push(`| ${r.query}${differs ? ' †' : ''} | ${r.limit} | ${triple(m)} | ${took} | ${overhead} | ${m.transport?.length ? fmt(p(m.transport, 50)) : '–'} | ${m.calls === undefined ? '–' : fmt(m.calls, 1)} | ${s ? triple(s) : '–'} | ${s ? fmt(p(s.ms, 95) / p(m.ms, 95), 2) : '–'} | ${s ? fmt(mean(s.ms) / mean(m.ms), 2) : '–'} | ${fmt(m.matched, 0)} / ${s ? fmt(s.matched, 0) : '–'} |`);
  }
  return lines;
}

function layoutTable(results: RunResult[]): string[] {
  const lines = [
    '| layout | items | load items/s (load average) | runs per row (load average) | ' + QUERIES.map((q) => `${q.name} p95 ms (limit 10 / 100)`).join(' | ') + ' |',
    `|---|---:|---:|---:|${QUERIES.map(() => '---:|').join('')}`,
  ];
  for (const r of results) {
    const cells = QUERIES.map((q) => LIMITS.map((limit) => {
      const row = r.rows.find((x) => x.query === q.name && x.limit === limit);
      return row ? fmt(p(row.meridian.ms, 95)) : '–';
    }).join(' / '));
    const range = (l: [number, number]) => l.map((x) => fmt(x, 1)).join('–');
    lines.push(`| ${r.layout} | ${r.items.toLocaleString('en-US')} | ${fmt(rate(r.load), 0)} (${range(r.load.loadAverage)}) | ${r.runs} (${range(r.queryLoadAverage)}) | ${cells.join(' | ')} |`);
  }
  return lines;
}

function report(results: RunResult[]): string {
  const main = [...results].filter((r) => r.stacFastApiLoad).sort((a, b) => b.date.localeCompare(a.date))[0] ?? results[results.length - 1];
  const lines = [
    SECTION,
    '',
    `Measured ${main.date.slice(0, 10)} with \`npm run bench:search:opensearch -- --items ${main.items} --layout ${main.layout}\` on: `
      + `${machine(`OpenSearch ${main.engineVersion} (one node, heap ${main.heap}, same machine)`)}.`,
    '',
    `**Data**: the embedded benchmark's ${main.items.toLocaleString('en-US')} synthetic items (same seed), loaded into both APIs' indices on the same node, `
      + 'each load with refresh_interval -1 and no replica until a final refresh.',
    '',
    `**Load**: Meridian ${fmt(rate(main.load), 0)} items/s (wall clock of the load: two \`SearchEngineCatalogIndex.upsertItems\` calls of ${main.load.batch.toLocaleString('en-US')} items in flight, `
      + `each sent as bulk requests of 500, generating the items overlapping, plus the final refresh; 1-minute load average ${main.load.loadAverage.map((l) => fmt(l, 1)).join(' to ')})`
      + (main.stacFastApiLoad ? `; stac-fastapi-opensearch ${main.stacFastApiVersion} ${fmt(rate(main.stacFastApiLoad), 0)} items/s (wall clock: its item serializer and \`bulk_sync\`, `
        + `as its bulk_items endpoint runs them, on two batches of ${main.stacFastApiLoad.batch.toLocaleString('en-US')} items of one collection in flight; 1-minute load average `
        + `${main.stacFastApiLoad.loadAverage.map((l) => fmt(l, 1)).join(' to ')})` : '') + '.',
    '',
    `**Queries**: the embedded benchmark's query mix (bench/search/query-mix.ts, same seeds) as GET \`/search\` requests over HTTP on loopback, one at a time, `
      + `Meridian's and stac-fastapi's alternately for each drawn set of parameters (who goes first alternates); latency until the whole body has arrived. `
      + `${main.runs} timed runs per row after ${main.warmup} warm-up runs of every kind of search and ${main.warmup} of the row's own (deep pagination: a quarter of those, each following \`next\` to page ${DEPTH}). `
      + `Engine took: the sum of OpenSearch's \`took\` over the searches Meridian sent for the request (recorded by a wrapper of the adapter's client, `
      + `not in the API); API overhead = latency − took, per request (not for deep pagination, whose walk is untimed). Throughput ratio: requests/s at concurrency 1, i.e. the ratio of mean latencies. `
      + `1-minute load average ${main.queryLoadAverage.map((l) => fmt(l, 1)).join(' to ')} during the queries (on ${availableParallelism()} cores).`,
    '',
    `Layout: ${main.layout}.`,
    '',
    ...sideBySide(main),
    '',
    '† stac-fastapi matched a different number of items: not the same search (see the notes below).',
    '',
  ];
  if (main.stacFastApiLoad) {
    const slower = main.rows.filter((r) => r.stacFastApi && p(r.meridian.ms, 95) >= p(r.stacFastApi.ms, 95));
    const overheads = main.rows.filter((r) => r.meridian.overhead?.length).map((r) => ({ r, o: p(r.meridian.overhead as number[], 50) }));
    const worst = overheads.sort((a, b) => b.o - a.o)[0];
    lines.push(`Target faster than stac-fastapi-opensearch at p95 on every query: ${slower.length === 0 ? 'met' : `missed on ${slower.map((r) => `${r.query} (limit ${r.limit})`).join(', ')}`}. `
      + `Target API overhead < 5 ms at p50: ${worst && worst.o < 5 ? 'met' : 'missed'} (largest: ${worst ? `${fmt(worst.o)} ms, ${worst.r.query} limit ${worst.r.limit}` : '–'}).`, '');
  }
  lines.push('**Index layouts** (Meridian only; p95 per query, each run its own load):', '', ...layoutTable(results), '');
  lines.push(...NOTES, '');
  return lines.join('\n');
}

/** What the figures of 2026-11-22 say, written after reading them (kept in step by hand). */
const NOTES: string[] = [
  'Notes (2026-11-22 runs):',
  '',
  '- **Against stac-fastapi-opensearch**: Meridian is faster at p95 on every row. The CQL2 property filter at limit 10 (here 19.1 ms against 30.4 at p95; '
    + '22.7 against 32.4, 22.8 against 23.9 and 26.5 against 31.8 in the three runs before this one, stac-fastapi\'s p95 being the one that moves) was lost in the first run '
    + '(33.5 ms against 19.9) on the engine\'s time: `took` 10 ms at p50, against 4 for stac-fastapi\'s search on its index of that one collection. '
    + 'The profile API and an interleaved A/B of query shapes on the same node and data (60 runs of each shape, 1-minute load average 1.7 before and 0.7 after; ad-hoc scripts, not kept in the repository) found two costs stac-fastapi\'s query does not have. '
    + 'What anyone may find (public, published, not disabled) was three term queries each matching nearly every document; it is now the absence of the other values '
    + '(search-body.ts): engine took p50 16 → 9 ms at limit 10 and 23 → 15 ms at limit 100. '
    + 'And `collections=x` was a `terms` query, which OpenSearch 3 turns into a bitset of the whole collection before walking the conjunction (6–23 ms in the profile); '
    + 'one value is now a `term` query. Tried and not kept: stac-fastapi counts with a `_count` request in parallel with a search that stops counting at 10,000; '
    + 'the same split here (page with `track_total_hits: false` ∥ a size-0 count) was no faster on 2 cores (round trip p50 14.6 against 13.2 ms at limit 10, 22.0 against 20.5 at limit 100). '
    + 'Still dearer in the engine than stac-fastapi\'s (A/B, limit 100, took p50 15 ms against its 4): reading `_source` (4 ms; our documents carry every derived field too) '
    + 'and the tie-breaker sorts on `id` and `collection` (4 ms), both left as they are.',
  '- **Free text is not the same search** (†): stac-fastapi\'s `q` is a `multi_match` of all the words OR-ed, with fuzziness AUTO, over id, collection, '
    + 'title, description and keywords, so `"Great Plains" AND landsat-8` matches items with any of those words (13–15× more items); Meridian reads '
    + '`q` as STAC\'s free-text syntax (phrases, AND/OR). The row shows what each API does with the same request, not the same work.',
  '- **API overhead** (latency − `took`, p50): item pages are written from the item texts the engine stores (`searchItemTexts`, api/src/stac/item-page.ts), '
    + 'with no JSON.parse of the items and no JSON.stringify of the page — on 100 items (330 KB) those took 0.8 and 0.7 ms at a load average of 1.6. '
    + 'In this run the target is met at limit 10 on three rows of four (3.9–4.8 ms; bbox + datetime 5.0) and missed at limit 100 on three of four '
    + '(6.9–7.3 ms; bbox + datetime, about 20 items, 4.7); the run before, at a load average of 1.9–3.5, gave 4.5–5.1 and 5.2–10.1. '
    + 'Most of it is the engine\'s own HTTP round trip, outside `took`: the same search bodies sent straight to the node by a bare client (undici, keep-alive, '
    + 'no compression, 60 runs interleaved, load average ≈ 1) gave round trip − took p50 3.0 ms at limit 10 (40 KB) and 3.9 ms at limit 100 (365 KB), and 2.8 and 3.2 ms '
    + 'with `_source: false` (2–21 KB): that much is the node\'s HTTP layer and fetch phase on this machine, whatever the API does. '
    + 'Meridian\'s own share, timed with the engine answer cached in the adapter (no engine call; 300 requests): 0.8 ms p50 at limit 10 and 2.4 ms at limit 100, '
    + 'the request through Express, splicing the page and sending it, and the benchmark\'s client, in the same process, reading it. '
    + 'Tried and not kept: `filter_path` on the engine response (365 → 352 KB, but +0.7 ms to round trip − took: the node filters its output as it writes it). '
    + 'Left alone: Express\'s weak ETag hashes every page (SHA-1, about 0.2 ms on 300 KB), which lets a conditional GET of a collection or an item be answered 304. '
    + 'So 5 ms at limit 100 leaves about 1 ms for everything Meridian does on this machine; a faster engine transport '
    + '(a faster machine) or smaller pages are what would reach it. `took` is whole milliseconds, truncated, so the overhead reads about 0.5 ms high on average.',
  '- **Loads**: both with two batches in flight, refresh_interval -1 and no replica until a final refresh (the adapter takes `refresh: false` for this). '
    + 'Meridian indexes more per item than stac-fastapi — every STAC property in typed fields, a string as four keyword fields (exact, case-, accent- and '
    + 'both-folded, for CQL2\'s CASEI and ACCENTI), plus free-text, presence and kinds fields — and still loads faster: 3,841 against 2,782 items/s, '
    + 'with the item now sent and stored as one unindexed string (mapping 2) instead of an object; the first run, at a load average of 3–8, gave 2,112 against 1,915.',
  '- **Index layouts**: the per-collection row is from the first run (mapping 1, before the changes above), the single row from this one. An index per collection '
    + 'still filters one collection a little faster — in the A/B, 7 ms of engine time at p50 against 9 on the single index, whose one shard (SEARCH_SHARDS=1) '
    + 'holds every collection\'s items — and loads faster (ten shards\' writers and merges). The default stays `single`, for what index-layout.ts says: a '
    + 'cooperative\'s repositories and their STAC catalogs make thousands of collections, mostly small, and an index (a shard or more) each costs heap, '
    + 'cluster-state updates and a cluster-state round trip per new collection, and every all-collections search fans out to all of them. With a few large '
    + 'collections, as in this benchmark, `SEARCH_INDEX_LAYOUT=per-collection` is a fair setting; a single index with more shards (SEARCH_SHARDS) was not measured.',
  '- **The machine** was shared: other engineers\' tests ran during these runs (1-minute load average 1.5–2.9 during this run\'s queries; 1.9–3.5 and up to 4.7 in the runs before); '
    + 'the two APIs were interleaved request by request, so both saw the same load.',
];

// ---------------------------------------------------------------------------

function writeReport(): void {
  const results = readdirSync(RESULTS).filter((f) => f.startsWith('run-')).map((f) => JSON.parse(readFileSync(join(RESULTS, f), 'utf8')) as RunResult)
    .sort((a, b) => a.items - b.items || a.layout.localeCompare(b.layout) || a.date.localeCompare(b.date));
  const section = report(results);
  process.stdout.write(`${section}\n`);
  if (!args['no-docs']) {
    writeDocsSection(SECTION, section);
    log('wrote docs/benchmarks.md');
  }
}

mkdirSync(RESULTS, { recursive: true });
if (args['report-only']) {
  writeReport();
} else {
  const node = await startNode();
  let stacFastApi: (LoopbackProcess & { url: string }) | undefined;
  try {
    const engineVersion = ((await engine('/')) as { version: { number: string } }).version.number;
    const load = await loadMeridian();
    let stacFastApiLoad: LoadStats | undefined;
    if (WITH_STAC_FASTAPI) {
      await ensureVenv();
      stacFastApi = await startStacFastApi();
      stacFastApiLoad = await loadStacFastApi(stacFastApi.url);
    }
    const catalog = await openMeridianCatalog();
    const meridian = await startMeridian(catalog);
    log(`running the query mix on ${ITEMS.toLocaleString('en-US')} items (${LAYOUT})`);
    let rows: Row[];
    try {
      rows = await runQueries(meridian.url, stacFastApi?.url);
    } finally {
      await meridian.close();
      await catalog.close();
    }
    const result: RunResult = {
      layout: LAYOUT, items: ITEMS, date: new Date().toISOString(), engineVersion, heap: args.heap as string, runs: RUNS, warmup: WARMUP, load,
      ...(stacFastApiLoad ? { stacFastApiLoad, stacFastApiVersion: stacFastApiVersion() } : {}), queryLoadAverage: loadRange(querySamples), rows,
    };
    writeFileSync(join(RESULTS, `run-${LAYOUT}-${ITEMS}${stacFastApiLoad ? '-side-by-side' : ''}.json`), JSON.stringify(result));
    writeReport();
  } finally {
    await stacFastApi?.stop();
    await node?.stop();
  }
}
