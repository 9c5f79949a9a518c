import { error } from '@sveltejs/kit';
import type { AccountView } from '@meridian/core/accounts/account-views';
import { findFile, listFiles } from '#lib/server/files.ts';
import { loadRepository } from '#lib/server/repository.ts';
import type { PageServerLoad } from './$types';

/** A folder (the path ends with `/`, or has files under it) or one file's details. */
export const load: PageServerLoad = async ({ locals, params, url }) => {
  const { repository, canEdit } = await loadRepository(locals.api, params.account, params.repository);
  const owner = await locals.api.get<AccountView>(`/api/v1/accounts/${encodeURIComponent(params.account)}`);
  const path = params.path;
  const common = { repository, canEdit, owner: { id: owner.id, name: owner.profile.name }, origin: locals.api.publicOrigin };
  if (!path.endsWith('/')) {
    const file = await findFile(locals.api, params.account, params.repository, path);
    if (file) return { ...common, file, listing: undefined };
  }
  const prefix = path.endsWith('/') ? path : `${path}/`;
  const listing = await listFiles(locals.api, params.account, params.repository, prefix, url.searchParams.get('cursor') ?? undefined);
  if (listing.files.length === 0 && listing.directories.length === 0) error(404, `${repository.id} has no file or folder ${path}`);
  return { ...common, file: undefined, listing };
};
