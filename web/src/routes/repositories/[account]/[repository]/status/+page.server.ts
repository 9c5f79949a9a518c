import { fail } from '@sveltejs/kit';
import { problemOf } from '#lib/form-data.ts';
import type { IndexStatusView } from '#lib/repositories/index-status.ts';
import { loadRepository, mayWriteData, repositoryApiPath } from '#lib/server/repository.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params }) => {
  const { repository, canEdit } = await loadRepository(locals.api, params.account, params.repository);
  const [status, canWrite] = await Promise.all([
    locals.api.get<IndexStatusView>(`${repositoryApiPath(params.account, params.repository)}/index`),
    mayWriteData(locals.api, locals.account?.id, params.account, params.repository, canEdit),
  ]);
  return { repository, canEdit, canWrite, status };
};

export const actions: Actions = {
  reindex: async ({ locals, params }) => {
    const response = await locals.api.fetch('POST', `${repositoryApiPath(params.account, params.repository)}/reindex`);
    if (response.status !== 202) return fail(response.status === 403 ? 403 : 400, { error: await problemOf(response) });
    return { requested: true };
  },
};
