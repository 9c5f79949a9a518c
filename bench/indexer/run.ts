// Indexer benchmark: one repository of many objects — COGs, a STAC catalog of
// many items, and plain files — crawled end to end by `npm start` (the embedded
// default: the api and the indexer in one child process, in-process queue,
// dynalite, SQLite). Files are written into the `local` connection's directory
// first; creating the repository through the management API queues the crawl.
//
//   node bench/indexer/run.ts [--objects N] [--cogs N] [--items N] [--dir PATH] [--no-docs]
//
// Measured in one run: (1) the first crawl, from the create request until the
// index status says indexed — objects crawled per second and items indexed per
// second; (2) a crawl with nothing changed (every ETag the same: a listing and
// no reads); (3) a crawl after 1% of the plain files and 1% of the STAC items
// changed. Prints a Markdown report and writes it into docs/benchmarks.md.
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fmt, log, machine, publishReport, REPO } from '../bench-report.ts';
import { adminSession, startMeridian, withServer, type AdminSession } from '../bench-server.ts';

const SECTION = '## Indexer: crawling a repository';

const { values: args } = parseArgs({
  options: {
    objects: { type: 'string', default: '100000' },
    cogs: { type: 'string', default: '2000' },
    items: { type: 'string', default: '50000' },
    dir: { type: 'string', default: join(REPO, '.bench/indexer') },
    'no-docs': { type: 'boolean', default: false },
  },
});
const OBJECTS = Number(args.objects);
const COGS = Number(args.cogs);
const ITEMS = Number(args.items);
if (![OBJECTS, COGS, ITEMS].every(Number.isSafeInteger) || COGS + ITEMS + 2 > OBJECTS) {
  throw new Error('usage: node bench/indexer/run.ts [--objects N] [--cogs N] [--items N] (cogs + items + 2 ≤ objects)');
}
const PLAIN = OBJECTS - COGS - ITEMS - 2;
const DIR = resolve(args.dir as string);
const DATA = join(DIR, 'data');
const ROOT = join(DATA, 'files', 'admin', 'bench');

// ---------------------------------------------------------------------------
// The repository's files

const itemKey = (i: number) => `stac/items/${String(Math.floor(i / 1000)).padStart(3, '0')}/item-${i}.json`;

function stacItem(i: number, changed = false) {
  const lon = -170 + (i % 340);
  const lat = -60 + ((i * 7) % 120);
  return {
    type: 'Feature', stac_version: '1.0.0', stac_extensions: [], id: `item-${i}`, collection: 'bench-items',
    bbox: [lon, lat, lon + 0.5, lat + 0.5],
    geometry: { type: 'Polygon', coordinates: [[[lon, lat], [lon + 0.5, lat], [lon + 0.5, lat + 0.5], [lon, lat + 0.5], [lon, lat]]] },
    properties: { datetime: new Date(Date.UTC(2020, 0, 1) + i * 3_600_000).toISOString(), 'bench:index': i, ...(changed ? { 'bench:changed': true } : {}) },
    links: [{ rel: 'collection', href: '../../collection.json', type: 'application/json' }],
    assets: {},
  };
}

function writeRepository(): void {
  rmSync(ROOT, { recursive: true, force: true });
  mkdirSync(join(ROOT, 'cogs'), { recursive: true });
  log(`writing ${COGS} COGs, a catalog of ${ITEMS} items and ${PLAIN} plain files…`);
  // A few distinct COGs made by GDAL, copied under many names.
  const made: string[] = [];
  for (let v = 0; v < 8; v++) {
    const plain = join(DIR, `plain-${v}.tif`);
    const cog = join(DIR, `cog-${v}.tif`);
    const x = 300000 + v * 50000;
    execFileSync('gdal_create', ['-q', '-of', 'GTiff', '-outsize', '1024', '1024', '-bands', '3', '-burn', String(10 + v), '-a_srs', `EPSG:${32630 + v}`,
      '-a_ullr', String(x), '5600000', String(x + 10240), '5589760', plain]);
    execFileSync('gdal_translate', ['-q', '-of', 'COG', '-co', 'BLOCKSIZE=256', '-co', 'OVERVIEWS=AUTO', plain, cog]);
    made.push(cog);
  }
  for (let i = 0; i < COGS; i++) copyFileSync(made[i % made.length], join(ROOT, 'cogs', `scene-${i}.tif`));
  mkdirSync(join(ROOT, 'stac', 'items'), { recursive: true });
  writeFileSync(join(ROOT, 'stac', 'catalog.json'), JSON.stringify({
    type: 'Catalog', stac_version: '1.0.0', id: 'bench', description: 'Benchmark catalog', links: [{ rel: 'child', href: './collection.json', type: 'application/json' }],
  }));
  writeFileSync(join(ROOT, 'stac', 'collection.json'), JSON.stringify({
    type: 'Collection', stac_version: '1.0.0', id: 'bench-items', description: 'Benchmark items', license: 'CC0-1.0',
    extent: { spatial: { bbox: [[-180, -90, 180, 90]] }, temporal: { interval: [['2020-01-01T00:00:00Z', null]] } },
    links: Array.from({ length: ITEMS }, (_, i) => ({ rel: 'item', href: `./${itemKey(i).slice('stac/'.length)}` })),
  }));
  for (let i = 0; i < ITEMS; i++) {
    if (i % 1000 === 0) mkdirSync(join(ROOT, itemKey(i), '..'), { recursive: true });
    writeFileSync(join(ROOT, itemKey(i)), JSON.stringify(stacItem(i)));
  }
  for (let i = 0; i < PLAIN; i++) {
    if (i % 1000 === 0) mkdirSync(join(ROOT, 'tables', String(Math.floor(i / 1000))), { recursive: true });
    writeFileSync(join(ROOT, 'tables', String(Math.floor(i / 1000)), `row-${i}.csv`), `id,value\n${i},${i * 3}\n`);
  }
}

/** 1% of the plain files and 1% of the items rewritten (new content, new ETag). */
function changeOnePercent(): number {
  let changed = 0;
  for (let i = 0; i < PLAIN; i += 100, changed++) writeFileSync(join(ROOT, 'tables', String(Math.floor(i / 1000)), `row-${i}.csv`), `id,value\n${i},changed\n`);
  for (let i = 0; i < ITEMS; i += 100, changed++) writeFileSync(join(ROOT, itemKey(i)), JSON.stringify(stacItem(i, true)));
  return changed;
}

// ---------------------------------------------------------------------------
// The server and its API

async function call(s: AdminSession, method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(s.url + path, { method, headers: s.headers, body: body ? JSON.stringify(body) : undefined });
  return { status: response.status, json: (await response.json().catch(() => ({}))) as Record<string, unknown> };
}

type Status = { state: string; counts: { seen: number; indexed: number; invalid: number; failed: number }; startedAt?: string; lastCrawledAt?: string; problemCount: number };

/** Waits for a crawl that started after `since` to finish; returns its status. */
async function crawled(s: AdminSession, since: string): Promise<Status> {
  for (;;) {
    const { json } = await call(s, 'GET', '/api/v1/repositories/admin/bench/index');
    const status = json as unknown as Status;
    if (status.state === 'indexed' && (status.startedAt ?? '') > since) return status;
    if (status.state === 'failed') throw new Error(`the crawl failed: ${JSON.stringify(json)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** `changed`: objects changed since the last crawl; `written`: catalog documents that had to be written. */
interface Run { what: string; ms: number; status: Status; changed: number; written: number }

async function measure(s: AdminSession, what: string, changed: number, written: number | undefined, trigger: () => Promise<void>): Promise<Run> {
  const since = new Date().toISOString();
  const started = performance.now();
  await trigger();
  const status = await crawled(s, since);
  const ms = performance.now() - started;
  log(`${what}: ${fmt(ms / 1000, 1)} s end to end, ${JSON.stringify(status.counts)}`);
  return { what, ms, status, changed, written: written ?? status.counts.indexed };
}

// ---------------------------------------------------------------------------

function report(runs: Run[], setupMs: number): string {
  const rows = runs.map((r) => `| ${r.what} | ${fmt(r.status.counts.seen, 0)} | ${fmt(r.changed, 0)} | ${fmt(r.ms / 1000, 1)} s | ${fmt(r.status.counts.seen / (r.ms / 1000), 0)} | ${fmt(r.written, 0)} | ${r.written ? fmt(r.written / (r.ms / 1000), 1) : '—'} |`);
  return [
    SECTION,
    '',
    `\`npm run bench:indexer\` — one repository of ${OBJECTS.toLocaleString('en-US')} objects: ${COGS.toLocaleString('en-US')} COGs (1024×1024×3, 256-pixel tiles, overviews; 8 distinct files made by GDAL in UTM zones, copied), a STAC catalog`,
    `(catalog → collection → ${ITEMS.toLocaleString('en-US')} item files) and ${PLAIN.toLocaleString('en-US')} small CSV files, written into the \`local\` connection's directory (${fmt(setupMs / 1000, 0)} s).`,
    '`npm start` in a child process crawls it: the embedded default (api and indexer in one process, in-process queue, dynalite, SQLite),',
    'the crawl going through the data proxy over loopback HTTP with the indexer credential. Times are end to end: from the request that',
    'queues the crawl to the index status saying `indexed`. Objects/s: objects crawled (listed and compared, read when changed) per second;',
    'items/s: catalog documents (items and collections) written per second.',
    '',
    '| crawl | objects | changed | time | objects/s | items written | items/s |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...rows,
    '',
    `Machine: ${machine()}. One run; the repository's first crawl reads every COG's header (range requests) and every STAC document; the`,
    'second is asked for by a repository update with nothing changed (every ETag the same: a listing, no reads); the third after 1% of',
    'the CSV files and 1% of the items were rewritten (those read; the STAC walk run again over the cached documents; the changed items written).',
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  mkdirSync(DIR, { recursive: true });
  rmSync(DATA, { recursive: true, force: true });
  const setupStarted = performance.now();
  writeRepository();
  const setupMs = performance.now() - setupStarted;
  const server = await startMeridian(DATA, { env: { INDEXER_CONCURRENCY: '1' }, deadlineMs: 120_000 });
  const text = await withServer(server, async () => {
    const s = await adminSession(server.url);
    const runs: Run[] = [];
    runs.push(await measure(s, 'first crawl', OBJECTS, undefined, async () => {
      const r = await call(s, 'POST', '/api/v1/accounts/admin/repositories', { id: 'bench', title: 'Bench', dataConnectionId: 'local', visibility: 'public', state: 'published' });
      if (r.status !== 201) throw new Error(`create: HTTP ${r.status} ${JSON.stringify(r.json)}`);
    }));
    runs.push(await measure(s, 'nothing changed', 0, 0, async () => {
      const r = await call(s, 'PATCH', '/api/v1/repositories/admin/bench', { description: 'touched' });
      if (r.status !== 200) throw new Error(`update: HTTP ${r.status}`);
    }));
    const changed = changeOnePercent();
    runs.push(await measure(s, '1% changed', changed, Math.ceil(ITEMS / 100), async () => {
      const r = await call(s, 'PATCH', '/api/v1/repositories/admin/bench', { description: 'touched again' });
      if (r.status !== 200) throw new Error(`update: HTTP ${r.status}`);
    }));
    return report(runs, setupMs);
  });
  publishReport(SECTION, text, !args['no-docs']);
}

await main();
