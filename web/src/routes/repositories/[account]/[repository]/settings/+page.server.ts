import { error, fail, redirect } from '@sveltejs/kit';
import { field, problemOf } from '#lib/form-data.ts';
import { repositoryBody, repositoryFormValues } from '#lib/repositories/repository-form.ts';
import { loadRepository, repositoryApiPath } from '#lib/server/repository.ts';
import { requireAccount } from '#lib/server/require-account.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params, url }) => {
  requireAccount(locals, url);
  const { repository, canEdit } = await loadRepository(locals.api, params.account, params.repository);
  if (!canEdit) error(403, 'Only the repository\'s maintainers and owners can change its settings.');
  return { repository, canEdit };
};

export const actions: Actions = {
  update: async ({ request, locals, params, url }) => {
    requireAccount(locals, url);
    const form = await request.formData();
    const values = repositoryFormValues(form);
    // The version the form was made from: a change someone made since is a conflict, not overwritten.
    const updatedAt = field(form, 'updatedAt');
    const response = await locals.api.fetch('PATCH', repositoryApiPath(params.account, params.repository), { json: { ...repositoryBody(values, true), updatedAt } });
    if (!response.ok) {
      const problem = await problemOf(response);
      const message = response.status === 409 ? `Someone changed this repository while you were editing: ${problem}. Reload the page to see their changes.` : problem;
      return fail(response.status === 409 ? 409 : 400, { ...values, error: message });
    }
    return { saved: true };
  },
  delete: async ({ request, locals, params, url }) => {
    requireAccount(locals, url);
    const form = await request.formData();
    if (field(form, 'confirm') !== params.repository) {
      return fail(400, { deleteError: `Type the repository's id, ${params.repository}, to confirm.` });
    }
    const response = await locals.api.fetch('DELETE', repositoryApiPath(params.account, params.repository));
    if (response.status !== 204) return fail(response.status === 403 ? 403 : 400, { deleteError: await problemOf(response) });
    redirect(303, `/accounts/${params.account}`);
  },
};
