import { error } from '@sveltejs/kit';
import type { AccountView } from '@meridian/core/accounts/account-views';
import type { StacItem } from '@meridian/core/stac/stac-types';
import { itemIdForKey } from '@meridian/indexer/extract/item-id';
import { ApiError } from '#lib/server/api-client.ts';
import { findFile, listFiles } from '#lib/server/files.ts';
import { loadRepository } from '#lib/server/repository.ts';
import type { PageServerLoad } from './$types';

/** The item the indexer made of a spatial file, in the repository's collection, when it has made one. */
async function extractedItem(api: App.Locals['api'], collectionId: string, key: string): Promise<StacItem | undefined> {
  try {
    return await api.get<StacItem>(`/stac/collections/${encodeURIComponent(collectionId)}/items/${encodeURIComponent(itemIdForKey(key))}`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return undefined;
    throw error;
  }
}

/** A folder (the path ends with `/`, or has files under it) or one file's details. */
export const load: PageServerLoad = async ({ locals, params, url }) => {
  const { repository, canEdit } = await loadRepository(locals.api, params.account, params.repository);
  const owner = await locals.api.get<AccountView>(`/api/v1/accounts/${encodeURIComponent(params.account)}`);
  const path = params.path;
  const common = { repository, canEdit, owner: { id: owner.id, name: owner.profile.name }, origin: locals.api.publicOrigin };
  if (!path.endsWith('/')) {
    const file = await findFile(locals.api, params.account, params.repository, path);
    if (file) return { ...common, file, item: await extractedItem(locals.api, repository.collectionId, file.key), listing: undefined };
  }
  const prefix = path.endsWith('/') ? path : `${path}/`;
  const listing = await listFiles(locals.api, params.account, params.repository, prefix, url.searchParams.get('cursor') ?? undefined);
  if (listing.files.length === 0 && listing.directories.length === 0) error(404, `${repository.id} has no file or folder ${path}`);
  return { ...common, file: undefined, item: undefined, listing };
};
