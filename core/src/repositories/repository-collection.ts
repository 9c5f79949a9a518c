// Every repository is a STAC Collection in the global API (DESIGN §5). Its id is
// `{account}.{repository}`: URL-safe, unique, and naming its repository without
// ambiguity, since account and repository ids hold only [a-z0-9-]. Collections
// the indexer finds inside a repository get ids under the same `{account}.{repository}.`
// prefix, which no repository collection can take.
import type { Repository } from '../accounts/accounts.types.ts';
import type { CatalogIndex } from '../catalog-index/catalog-index.port.ts';
import type { MetadataStore } from '../metadata-store/metadata-store.port.ts';
import type { StacCollection } from '../stac/stac-types.ts';

export const collectionIdFor = (r: Pick<Repository, 'accountId' | 'repositoryId'>) => `${r.accountId}.${r.repositoryId}`;

/** The whole world and all time, until the indexer computes the real extent. */
export const WHOLE_WORLD: StacCollection['extent'] = { spatial: { bbox: [[-180, -90, 180, 90]] }, temporal: { interval: [[null, null]] } };

/**
 * The repository's collection. `existing` keeps what the indexer added (extent,
 * summaries, assets, links); the fields the repository owns are replaced.
 */
export function collectionDocFor(repository: Repository, existing?: StacCollection): StacCollection {
  const collection: StacCollection = {
    type: 'Collection',
    stac_version: '1.0.0',
    extent: WHOLE_WORLD,
    links: [],
    ...existing,
    id: collectionIdFor(repository),
    title: repository.title,
    description: repository.description,
    keywords: [...repository.tags],
    // STAC 1.0: an SPDX id, `various`, or `proprietary` for everything else — an unlicensed dataset included.
    license: repository.license ?? 'proprietary',
  };
  if (repository.tags.length === 0) delete collection.keywords;
  return collection;
}

export interface CatalogSyncDeps {
  store: MetadataStore;
  catalog: CatalogIndex;
}

/**
 * Makes the catalog say what the store says about one repository: its collection
 * written (with the repository's access) and every collection of it given that
 * access, or — when the repository is gone — its collection deleted.
 *
 * Two requests can interleave (an update's catalog write landing after a delete's),
 * so after writing, the store is read again; when it changed in the meantime the
 * catalog is brought in step again. The last writer to the store is therefore the
 * last to finish its catalog writes, and the catalog ends as the store is.
 */
export async function syncRepositoryCollection(deps: CatalogSyncDeps, accountId: string, repositoryId: string): Promise<void> {
  let current = await deps.store.getRepository(accountId, repositoryId);
  for (let round = 0; round < 10; round++) {
    if (!current) {
      await deps.catalog.deleteCollection(collectionIdFor({ accountId, repositoryId }));
    } else {
      const id = collectionIdFor(current);
      const result = await deps.catalog.upsertCollections([collectionDocFor(current, await deps.catalog.getCollection(id))], current);
      if (result.errors.length > 0) throw new Error(`the catalog refused collection ${id}: ${result.errors.map((e) => e.message).join('; ')}`);
      await deps.catalog.updateRepositoryAccess(current);
    }
    const after = await deps.store.getRepository(accountId, repositoryId);
    if (after?.updatedAt === current?.updatedAt) return;
    current = after;
  }
  throw new Error(`repository ${accountId}/${repositoryId} kept changing while its collection was written`);
}
