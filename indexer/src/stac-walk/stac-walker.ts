// Finds the STAC in one repository and yields what may be indexed. Roots are
// every catalog.json and collection.json (shallowest first), then every other
// JSON or NDJSON file: items, item collections, collections under other names.
// From each document the walker follows `child` and `item` links that resolve
// to a key of the same repository (link-target.ts); it reads only listed keys,
// each at most once, so cycles end, broken links and links that leave the
// repository are reported without a request, and a document over the read cap
// is refused by its listed size before it is read.
//
// Every STAC object is validated offline; an invalid one is not yielded, its
// problems are. Collections get ids under the repository's (collection-ids.ts);
// items get the id of the collection that links to them, or of the collection
// their `collection` field names, or else the repository's collection.
import type { StacCollection, StacItem } from '@meridian/core/stac/stac-types';
import { DEFAULT_READ_CAP, readText, TooLargeError } from '../extract/byte-source.ts';
import { problemText } from '../extract/extraction.ts';
import type { StacValidator } from '../validate/stac-validator.ts';
import { CollectionIds } from './collection-ids.ts';
import { linkTarget } from './link-target.ts';
import { keyUrl, type ListedFile, type RepositoryReader } from './repository-reader.ts';

export type WalkEntry =
  | { kind: 'collection'; path: string; collection: StacCollection }
  | { kind: 'item'; path: string; item: StacItem }
  | { kind: 'problem'; path: string; message: string; pointer?: string }
  /** A JSON file that holds no STAC: the crawler hands it to the extractors (GeoJSON). */
  | { kind: 'not-stac'; key: string };

export interface WalkOptions {
  /** `{account}.{repository}` (collectionIdFor). */
  repositoryCollectionId: string;
  validator: StacValidator;
  /** Largest document read; see DEFAULT_READ_CAP. */
  readCap?: number;
  /** Stops a walk through a repository of millions of documents: 100 000 by default. */
  maxDocuments?: number;
}

const JSON_FILE = /\.(json|geojson)$/i;
const NDJSON_FILE = /\.(ndjson|jsonl)$/i;
const FOLLOWED = new Set(['child', 'item']);
/** Links the STAC API writes itself; kept ones are made absolute. */
const STRUCTURAL = new Set(['self', 'root', 'parent', 'child', 'item', 'items', 'collection']);

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const isStac = (value: Json) => typeof value.stac_version === 'string';

function rootOrder(key: string): [number, number, string] {
  const name = key.slice(key.lastIndexOf('/') + 1);
  const rank = name === 'catalog.json' ? 0 : name === 'collection.json' ? 1 : 2;
  return [rank, key.split('/').length, key];
}

function byRootOrder(a: string, b: string): number {
  const [ra, da, ka] = rootOrder(a);
  const [rb, db, kb] = rootOrder(b);
  return ra - rb || da - db || (ka < kb ? -1 : ka > kb ? 1 : 0);
}

/** Relative hrefs of links and assets made absolute against the document's URL; structural links dropped. */
function absolutized<T extends Json>(object: T, documentUrl: URL): T {
  const resolve = (href: unknown) => {
    if (typeof href !== 'string') return href;
    try {
      return new URL(href, documentUrl).href;
    } catch {
      return href;
    }
  };
  const copy: Json = { ...object };
  if (Array.isArray(object.links)) {
    copy.links = object.links.filter((l) => isObject(l) && !STRUCTURAL.has(String(l.rel))).map((l) => ({ ...(l as Json), href: resolve((l as Json).href) }));
  }
  if (isObject(object.assets)) {
    copy.assets = Object.fromEntries(Object.entries(object.assets).map(([name, a]) => [name, isObject(a) ? { ...a, href: resolve(a.href) } : a]));
  }
  return copy as T;
}

export async function* walkStac(reader: RepositoryReader, options: WalkOptions): AsyncGenerator<WalkEntry> {
  const cap = options.readCap ?? DEFAULT_READ_CAP;
  const maxDocuments = options.maxDocuments ?? 100_000;
  const files = new Map<string, ListedFile>();
  for await (const file of reader.list()) files.set(file.key, file);

  const ids = new CollectionIds(options.repositoryCollectionId);
  /** Collection ids as written in the documents → the ids they are indexed under. */
  const collectionIds = new Map<string, string>();
  const itemIds = new Map<string, string>();
  const visited = new Set<string>();
  const waiting: { path: string; item: StacItem; named: string }[] = [];
  let documents = 0;

  function* placed(path: string, item: StacItem, collection: string): Generator<WalkEntry> {
    const unique = `${collection}\u0000${item.id}`;
    const first = itemIds.get(unique);
    if (first !== undefined) {
      yield { kind: 'problem', path, message: `item id ${JSON.stringify(item.id)} is already used in collection ${collection} by ${first}; this one is not indexed`, pointer: '/id' };
      return;
    }
    itemIds.set(unique, path);
    yield { kind: 'item', path, item: { ...item, collection } };
  }

  /** Validates and yields the items of one document; `inherited` is the collection that linked to it. */
  async function* items(entries: { path: string; object: Json }[], documentUrl: URL, inherited: string | undefined): AsyncGenerator<WalkEntry> {
    const results = await options.validator.validate(entries.map((e) => ({ path: e.path, document: e.object })));
    for (const [i, result] of results.entries()) {
      if (!result.valid) {
        for (const p of result.problems) yield { kind: 'problem', path: result.path, message: p.message, pointer: p.pointer };
        continue;
      }
      const item = absolutized(entries[i].object, documentUrl) as StacItem;
      const named = typeof item.collection === 'string' ? item.collection : undefined;
      const collection = inherited ?? (named !== undefined ? collectionIds.get(named) : options.repositoryCollectionId);
      if (collection === undefined) waiting.push({ path: result.path, item, named: named as string });
      else yield* placed(result.path, item, collection);
    }
  }

  async function* visit(start: string): AsyncGenerator<WalkEntry> {
    const queue: { key: string; inherited: string | undefined; linked: boolean }[] = [{ key: start, inherited: undefined, linked: false }];
    visited.add(start);
    while (queue.length > 0) {
      const { key, inherited, linked } = queue.shift()!;
      if (++documents > maxDocuments) {
        yield { kind: 'problem', path: key, message: `more than ${maxDocuments} STAC documents; the walk stopped here` };
        queue.length = 0;
        return;
      }
      const file = files.get(key)!;
      const documentUrl = keyUrl(reader.baseUrl, key);
      let text: string;
      try {
        if (file.size > cap) throw new TooLargeError(key, file.size, cap);
        text = await readText(await reader.open(key, file.size), cap);
      } catch (error) {
        yield { kind: 'problem', path: key, message: `cannot read: ${problemText(error)}` };
        continue;
      }

      if (NDJSON_FILE.test(key)) {
        const lines: { path: string; object: Json }[] = [];
        for (const [n, line] of text.split('\n').entries()) {
          if (!line.trim()) continue;
          const path = `${key}:${n + 1}`;
          try {
            const object = JSON.parse(line) as unknown;
            if (isObject(object) && object.type === 'Feature') lines.push({ path, object });
            else yield { kind: 'problem', path, message: 'not a STAC item (a JSON object with "type": "Feature")' };
          } catch (error) {
            yield { kind: 'problem', path, message: `not JSON: ${problemText(error)}` };
          }
        }
        yield* items(lines, documentUrl, inherited);
        continue;
      }

      let document: unknown;
      try {
        document = JSON.parse(text);
      } catch (error) {
        // A broken .geojson that nothing links to is the GeoJSON extractor's to report.
        if (linked || !/\.geojson$/i.test(key)) yield { kind: 'problem', path: key, message: `not JSON: ${problemText(error)}` };
        else yield { kind: 'not-stac', key };
        continue;
      }
      const features = isObject(document) && document.type === 'FeatureCollection' && Array.isArray(document.features) ? document.features : undefined;
      const stac = isObject(document) && (isStac(document) || (features !== undefined && features.length > 0 && features.every((f) => isObject(f) && isStac(f))));
      if (!isObject(document) || !stac) {
        if (linked) yield { kind: 'problem', path: key, message: 'the link leads to a document that is not STAC' };
        else yield { kind: 'not-stac', key };
        continue;
      }

      if (features) {
        yield* items(features.map((object, i) => ({ path: `${key}#/features/${i}`, object: object as Json })), documentUrl, inherited);
        continue;
      }
      if (document.type === 'Feature') {
        yield* items([{ path: key, object: document }], documentUrl, inherited);
        continue;
      }

      const [result] = await options.validator.validate([{ path: key, document }]);
      let childCollection = inherited;
      if (!result.valid) {
        for (const p of result.problems) yield { kind: 'problem', path: key, message: p.message, pointer: p.pointer };
      } else if (document.type === 'Collection') {
        const id = ids.idFor(String(document.id), key);
        // Two collections sharing an id: items that name it go to the first found.
        if (!collectionIds.has(String(document.id))) collectionIds.set(String(document.id), id);
        childCollection = id;
        yield { kind: 'collection', path: key, collection: { ...absolutized(document, documentUrl), id } as StacCollection };
      }

      for (const [i, link] of (Array.isArray(document.links) ? document.links : []).entries()) {
        if (!isObject(link) || !FOLLOWED.has(String(link.rel)) || typeof link.href !== 'string') continue;
        const target = linkTarget(reader.baseUrl, documentUrl, link.href);
        if ('refused' in target) {
          yield { kind: 'problem', path: key, message: target.refused, pointer: `/links/${i}/href` };
        } else if (!files.has(target.key)) {
          yield { kind: 'problem', path: key, message: `broken link: ${target.key} is not in the repository`, pointer: `/links/${i}/href` };
        } else if (!visited.has(target.key)) {
          visited.add(target.key);
          queue.push({ key: target.key, inherited: childCollection, linked: true });
        }
      }
    }
  }

  const roots = [...files.keys()].filter((key) => JSON_FILE.test(key) || NDJSON_FILE.test(key)).sort(byRootOrder);
  for (const root of roots) {
    if (documents > maxDocuments) break;
    if (!visited.has(root)) yield* visit(root);
  }
  for (const { path, item, named } of waiting) yield* placed(path, item, collectionIds.get(named) ?? options.repositoryCollectionId);
}
