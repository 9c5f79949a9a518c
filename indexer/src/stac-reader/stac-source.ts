// Walks STAC wherever it starts — a catalog, a collection, an item, an item
// collection, NDJSON, a directory of those, or a URL — and yields the collections
// and items it reaches, each item with the collection it belongs to.
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { StacCollection, StacItem, StacLink } from '@meridian/core/stac/stac-types';

export type StacEntry =
  | { kind: 'collection'; collection: StacCollection; source: string }
  | { kind: 'item'; item: StacItem; source: string }
  | { kind: 'problem'; source: string; message: string };

const FOLLOWED = new Set(['child', 'item', 'items']);
const JSON_EXTENSIONS = new Set(['.json', '.geojson']);
const NDJSON_EXTENSIONS = new Set(['.ndjson', '.jsonl']);

function location(source: string): URL {
  if (/^https?:\/\//i.test(source) || source.startsWith('file:')) return new URL(source);
  return pathToFileURL(source);
}

async function readText(url: URL): Promise<string> {
  if (url.protocol === 'file:') return readFile(fileURLToPath(url), 'utf8');
  const response = await fetch(url, { headers: { accept: 'application/json, application/geo+json' } });
  if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`);
  return response.text();
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export async function* readStac(source: string): AsyncGenerator<StacEntry> {
  const visited = new Set<string>();

  async function* visitDirectory(dir: string): AsyncGenerator<StacEntry> {
    // A directory that holds a STAC root is that catalog; otherwise every STAC file in it.
    for (const root of ['catalog.json', 'collection.json']) {
      const path = join(dir, root);
      if (await stat(path).then((s) => s.isFile(), () => false)) {
        yield* visit(pathToFileURL(path), undefined);
        return;
      }
    }
    for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) yield* visitDirectory(path);
      else if (JSON_EXTENSIONS.has(extname(entry.name)) || NDJSON_EXTENSIONS.has(extname(entry.name))) yield* visit(pathToFileURL(path), undefined);
    }
  }

  function withCollection(item: Record<string, unknown>, collectionId: string | undefined): StacItem {
    return (item.collection === undefined && collectionId !== undefined ? { ...item, collection: collectionId } : item) as StacItem;
  }

  async function* visit(url: URL, collectionId: string | undefined): AsyncGenerator<StacEntry> {
    const key = url.href;
    if (visited.has(key)) return;
    visited.add(key);
    let text: string;
    try {
      text = await readText(url);
    } catch (error) {
      yield { kind: 'problem', source: key, message: `cannot read: ${(error as Error).message}` };
      return;
    }
    if (NDJSON_EXTENSIONS.has(extname(url.pathname))) {
      let line = 0;
      for (const raw of text.split('\n')) {
        line++;
        if (!raw.trim()) continue;
        try {
          const item = JSON.parse(raw) as unknown;
          if (isRecord(item)) yield { kind: 'item', item: withCollection(item, collectionId), source: `${key}:${line}` };
          else yield { kind: 'problem', source: `${key}:${line}`, message: 'not a JSON object' };
        } catch (error) {
          yield { kind: 'problem', source: `${key}:${line}`, message: `not JSON: ${(error as Error).message}` };
        }
      }
      return;
    }
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (error) {
      yield { kind: 'problem', source: key, message: `not JSON: ${(error as Error).message}` };
      return;
    }
    if (!isRecord(doc)) {
      yield { kind: 'problem', source: key, message: 'not a JSON object' };
      return;
    }
    let childCollection = collectionId;
    switch (doc.type) {
      case 'Feature':
        yield { kind: 'item', item: withCollection(doc, collectionId), source: key };
        break;
      case 'FeatureCollection':
        for (const [i, feature] of (Array.isArray(doc.features) ? doc.features : []).entries()) {
          if (isRecord(feature)) yield { kind: 'item', item: withCollection(feature, collectionId), source: `${key}#features/${i}` };
          else yield { kind: 'problem', source: `${key}#features/${i}`, message: 'not a JSON object' };
        }
        break;
      case 'Collection':
        yield { kind: 'collection', collection: doc as StacCollection, source: key };
        childCollection = typeof doc.id === 'string' ? doc.id : collectionId;
        break;
      case 'Catalog':
        break;
      default:
        yield { kind: 'problem', source: key, message: `not STAC: "type" is ${JSON.stringify(doc.type)}` };
        return;
    }
    const links = Array.isArray(doc.links) ? (doc.links as StacLink[]) : [];
    for (const link of links) {
      if (!isRecord(link) || typeof link.href !== 'string' || !FOLLOWED.has(String(link.rel))) continue;
      // An `items` link of an API is a search page, not a document of this tree.
      if (link.rel === 'items' && url.protocol !== 'file:') continue;
      let target: URL;
      try {
        target = new URL(link.href, url);
      } catch {
        yield { kind: 'problem', source: key, message: `link ${link.href} is not a URL` };
        continue;
      }
      if (target.protocol !== 'file:' && target.protocol !== 'http:' && target.protocol !== 'https:') continue;
      yield* visit(target, childCollection);
    }
  }

  const start = location(source);
  if (start.protocol === 'file:' && (await stat(fileURLToPath(start)).then((s) => s.isDirectory(), () => false))) {
    yield* visitDirectory(fileURLToPath(start));
  } else {
    yield* visit(start, undefined);
  }
}
