import type { StacCollection, StacItem } from '@meridian/core/stac/stac-types';
import { repositoryOfCollection } from '#lib/server/repository.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params }) => {
  const collectionId = encodeURIComponent(params.collectionId);
  const [item, collection, repository] = await Promise.all([
    locals.api.get<StacItem>(`/stac/collections/${collectionId}/items/${encodeURIComponent(params.itemId)}`),
    locals.api.get<StacCollection>(`/stac/collections/${collectionId}`),
    repositoryOfCollection(locals.api, params.collectionId),
  ]);
  return {
    item,
    collection: { id: collection.id, title: collection.title ?? collection.id },
    repository,
    origin: locals.api.publicOrigin,
    stacUrl: `${locals.api.publicOrigin}/stac`,
    basemapStyle: locals.context.basemapStyle,
  };
};
