import { error } from '@sveltejs/kit';
import { normaliseFolder } from '#lib/repositories/upload-keys.ts';
import { loadRepository, mayWriteData } from '#lib/server/repository.ts';
import { requireAccount } from '#lib/server/require-account.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params, url }) => {
  const me = requireAccount(locals, url);
  const { repository, canEdit } = await loadRepository(locals.api, params.account, params.repository);
  if (!(await mayWriteData(locals.api, me.id, params.account, params.repository, canEdit))) {
    error(403, 'Only the repository\'s writers, maintainers and owners can upload files.');
  }
  return {
    repository,
    canEdit,
    canWrite: true,
    folder: normaliseFolder(url.searchParams.get('folder') ?? ''),
    // The page's script sends it with each upload request, as the API asks of every browser write.
    csrfToken: locals.api.csrfToken ?? '',
    origin: locals.api.publicOrigin,
  };
};
