// npm run load -- <file|dir|url>: loads STAC into a running Meridian.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import type { StacItem } from '@meridian/core/stac/stac-types';
import { readStac } from '../stac-reader/stac-source.ts';
import { StacWriter, type LoadError } from './stac-writer.ts';

const BATCH = 500;
const SHOWN_ERRORS = 20;

const usage = `usage: npm run load -- <file|directory|url> [--url http://127.0.0.1:3000] [--token TOKEN] [--collection ID]

Loads a STAC catalog, collection, item, item collection or NDJSON file (or a
directory of them, or a URL) into a running Meridian through its STAC API.
  --url         where Meridian runs (default: $MERIDIAN_URL or http://127.0.0.1:$PORT, PORT defaulting to 3000)
  --token       admin token (default: $ADMIN_TOKEN, else the file admin-token in $DATA_DIR or ./data)
  --collection  collection for items that name none`;

function fail(message: string): never {
  console.error(`load: ${message}`);
  process.exit(2);
}

function adminToken(given: string | undefined): string {
  if (given) return given;
  if (process.env.ADMIN_TOKEN) return process.env.ADMIN_TOKEN;
  const file = join(resolve(process.env.DATA_DIR ?? './data'), 'admin-token');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  fail(`no admin token: pass --token, set ADMIN_TOKEN, or start Meridian once so that it writes ${file}`);
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { url: { type: 'string' }, token: { type: 'string' }, collection: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  if (positionals.length !== 1) fail(`give exactly one file, directory or URL\n${usage}`);
  const base = values.url ?? process.env.MERIDIAN_URL ?? `http://127.0.0.1:${process.env.PORT ?? '3000'}`;
  const writer = new StacWriter(`${base.replace(/\/$/, '')}/stac`, adminToken(values.token));

  const bar = new cliProgress.SingleBar({
    format: 'loading |{bar}| {value}/{total} items | {collections} collections | {errors} errors',
    noTTYOutput: true,
    notTTYSchedule: 5000,
  }, cliProgress.Presets.shades_classic);
  const stats = { items: 0, collections: 0, errors: [] as LoadError[] };
  bar.start(0, 0, { collections: 0, errors: 0 });

  // Items wait per collection until a batch is full; the collection is written first.
  const pending = new Map<string, { item: StacItem; source: string }[]>();
  const flush = async (collectionId: string) => {
    const batch = pending.get(collectionId) ?? [];
    pending.delete(collectionId);
    if (batch.length === 0) return;
    const result = await writer.putItems(collectionId, batch.map((b) => b.item));
    stats.items += result.written;
    for (const error of result.errors) stats.errors.push({ source: batch[error.index]?.source ?? collectionId, message: error.message });
    bar.update(stats.items, { collections: stats.collections, errors: stats.errors.length });
  };

  for await (const entry of readStac(positionals[0])) {
    if (entry.kind === 'problem') {
      stats.errors.push({ source: entry.source, message: entry.message });
    } else if (entry.kind === 'collection') {
      const error = await writer.putCollection(entry.collection);
      if (error) stats.errors.push({ source: entry.source, message: error });
      else stats.collections++;
    } else {
      const collectionId = entry.item.collection ?? values.collection;
      if (!collectionId) {
        stats.errors.push({ source: entry.source, message: `item ${String(entry.item.id)} names no collection; pass --collection` });
        continue;
      }
      const queue = pending.get(collectionId) ?? [];
      queue.push({ item: { ...entry.item, collection: collectionId }, source: entry.source });
      pending.set(collectionId, queue);
      bar.setTotal(stats.items + [...pending.values()].reduce((n, q) => n + q.length, 0));
      if (queue.length >= BATCH) await flush(collectionId);
    }
    bar.update(stats.items, { collections: stats.collections, errors: stats.errors.length });
  }
  for (const collectionId of [...pending.keys()]) await flush(collectionId);
  bar.setTotal(stats.items + stats.errors.length);
  bar.stop();

  console.log(`loaded ${stats.items} items and ${stats.collections} collections; ${stats.errors.length} problems`);
  for (const error of stats.errors.slice(0, SHOWN_ERRORS)) console.error(`  ${error.source}: ${error.message}`);
  if (stats.errors.length > SHOWN_ERRORS) console.error(`  … and ${stats.errors.length - SHOWN_ERRORS} more`);
  process.exitCode = stats.errors.length > 0 ? 1 : 0;
}

main().catch((error: Error) => fail(error.message));
