// Ids for the collections found inside a repository: `{account}.{repository}.{id}`
// (core/src/repositories/repository-collection.ts) — URL-safe, naming their
// repository, and unique: no repository collection id has a second dot, and a
// clash inside one repository is broken by a hash of the document's key.
import { createHash } from 'node:crypto';
import { MAX_ID_LENGTH } from '@meridian/core/catalog-index/index-record';

function slug(id: string): string {
  return id.normalize('NFKD').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '') || 'collection';
}

export class CollectionIds {
  readonly #prefix: string;
  readonly #taken = new Map<string, string>();

  constructor(repositoryCollectionId: string) {
    this.#prefix = `${repositoryCollectionId}.`;
  }

  /** The id for the collection `id` found in the document at `key`; the same key always gets the same id. */
  idFor(id: string, key: string): string {
    const room = MAX_ID_LENGTH - this.#prefix.length;
    let candidate = `${this.#prefix}${slug(id).slice(0, room)}`;
    const holder = this.#taken.get(candidate);
    if (holder !== undefined && holder !== key) {
      const hash = createHash('sha256').update(key).digest('hex').slice(0, 8);
      candidate = `${this.#prefix}${slug(id).slice(0, room - hash.length - 1)}-${hash}`;
    }
    this.#taken.set(candidate, key);
    return candidate;
  }
}
