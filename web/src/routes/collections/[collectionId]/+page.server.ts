import type { StacCollection, StacItem, StacLink } from '@meridian/core/stac/stac-types';
import { ApiError } from '#lib/server/api-client.ts';
import { renderMarkdown } from '#lib/server/markdown.ts';
import type { PageServerLoad } from './$types';

/** The repository a collection belongs to, by its id (`{account}.{repository}` or under it), when the caller may see it. */
async function repositoryOf(api: App.Locals['api'], collectionId: string): Promise<{ id: string; title: string } | undefined> {
  const match = /^([a-z0-9]+(?:-[a-z0-9]+)*)\.([a-z0-9]+(?:-[a-z0-9]+)*)(?:\.|$)/.exec(collectionId);
  if (!match) return undefined;
  try {
    const repository = await api.get<{ id: string; title: string }>(`/api/v1/repositories/${match[1]}/${match[2]}`);
    return { id: repository.id, title: repository.title };
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return undefined;
    throw error;
  }
}

export const load: PageServerLoad = async ({ locals, params, url }) => {
  const id = encodeURIComponent(params.collectionId);
  const token = url.searchParams.get('page') ?? undefined;
  const [collection, items, repository] = await Promise.all([
    locals.api.get<StacCollection>(`/stac/collections/${id}`),
    locals.api.get<{ features: StacItem[]; numberMatched?: number; links?: StacLink[] }>(`/stac/collections/${id}/items`, { limit: 20, token }),
    repositoryOf(locals.api, params.collectionId),
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
