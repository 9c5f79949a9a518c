import { fail, redirect } from '@sveltejs/kit';
import { field, problemOf } from '#lib/form-data.ts';
import { repositoryBody, repositoryFormValues } from '#lib/repositories/repository-form.ts';
import { requireAccount } from '#lib/server/require-account.ts';
import type { Actions, PageServerLoad } from './$types';

interface DataConnection {
  id: string;
  name: string;
  readOnly: boolean;
  allowedVisibilities: string[];
}

export const load: PageServerLoad = async ({ locals, url }) => {
  const account = requireAccount(locals, url);
  const { dataConnections } = await locals.api.get<{ dataConnections: DataConnection[] }>('/api/v1/data-connections', { limit: 100 });
  // The person's own account, and the organisation they came from (its page links here with ?account=).
  const owners = [account.id];
  const asked = url.searchParams.get('account');
  if (asked && asked !== account.id) owners.push(asked);
  return { owners, owner: asked ?? account.id, dataConnections: dataConnections.filter((c) => !c.readOnly) };
};

export const actions: Actions = {
  default: async ({ request, locals, url }) => {
    requireAccount(locals, url);
    const form = await request.formData();
    const owner = field(form, 'owner');
    const id = field(form, 'id');
    const dataConnectionId = field(form, 'dataConnectionId');
    const values = repositoryFormValues(form);
    const response = await locals.api.fetch('POST', `/api/v1/accounts/${encodeURIComponent(owner)}/repositories`, {
      json: { id, dataConnectionId, ...repositoryBody(values, false) },
    });
    if (response.status !== 201) {
      return fail(response.status === 409 ? 409 : response.status === 403 ? 403 : 400, { ...values, owner, id, dataConnectionId, error: await problemOf(response) });
    }
    redirect(303, `/repositories/${owner}/${id}`);
  },
};
