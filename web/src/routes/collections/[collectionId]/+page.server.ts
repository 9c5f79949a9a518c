import type { StacCollection, StacItem, StacLink } from '@meridian/core/stac/stac-types';
import { renderMarkdown } from '#lib/server/markdown.ts';
import { repositoryOfCollection } from '#lib/server/repository.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params, url }) => {
  const id = encodeURIComponent(params.collectionId);
  const token = url.searchParams.get('page') ?? undefined;
  const [collection, items, repository] = await Promise.all([
    locals.api.get<StacCollection>(`/stac/collections/${id}`),
    locals.api.get<{ features: StacItem[]; numberMatched?: number; links?: StacLink[] }>(`/stac/collections/${id}/items`, { limit: 20, token }),
    repositoryOfCollection(locals.api, params.collectionId),
  ]);
  const next = items.links?.find((l) => l.rel === 'next')?.href;
  return {
    collection,
    descriptionHtml: renderMarkdown(collection.description ?? ''),
    items: items.features,
    matched: items.numberMatched,
    nextPage: next ? new URL(next).searchParams.get('token') ?? undefined : undefined,
    repository,
    stacUrl: `${locals.api.publicOrigin}/stac`,
    basemapStyle: locals.context.basemapStyle,
  };
};
