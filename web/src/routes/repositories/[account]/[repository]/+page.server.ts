import type { AccountView } from '@meridian/core/accounts/account-views';
import type { StacCollection } from '@meridian/core/stac/stac-types';
import { ApiError } from '#lib/server/api-client.ts';
import { listFiles, readSmallText, type FileListing } from '#lib/server/files.ts';
import { renderMarkdown } from '#lib/server/markdown.ts';
import { loadRepository, mayWriteData } from '#lib/server/repository.ts';
import type { PageServerLoad } from './$types';

const notFoundAsUndefined = (error: unknown) => {
  if (error instanceof ApiError && error.status === 404) return undefined;
  throw error;
};

export const load: PageServerLoad = async ({ locals, params, url }) => {
  const { repository, canEdit } = await loadRepository(locals.api, params.account, params.repository);
  const [owner, collection, files, canWrite] = await Promise.all([
    locals.api.get<AccountView>(`/api/v1/accounts/${encodeURIComponent(params.account)}`),
    locals.api.get<StacCollection>(`/stac/collections/${encodeURIComponent(repository.collectionId)}`).catch(notFoundAsUndefined),
    listFiles(locals.api, params.account, params.repository, '', url.searchParams.get('cursor') ?? undefined).catch(notFoundAsUndefined) as Promise<FileListing | undefined>,
    mayWriteData(locals.api, locals.account?.id, params.account, params.repository, canEdit),
  ]);
  const readme = files?.files.find((f) => /^readme\.(md|markdown)$/i.test(f.key));
  const readmeText = readme ? await readSmallText(locals.api, readme) : undefined;
  return {
    repository,
    canEdit,
    canWrite,
    owner: { id: owner.id, name: owner.profile.name, type: owner.type },
    collection,
    files,
    descriptionHtml: renderMarkdown(repository.description),
    readmeHtml: readmeText === undefined ? undefined : renderMarkdown(readmeText),
    origin: locals.api.publicOrigin,
    basemapStyle: locals.context.basemapStyle,
  };
};
