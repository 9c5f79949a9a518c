import { fail } from '@sveltejs/kit';
import { field, problemOf } from '#lib/form-data.ts';
import { requireAccount } from '#lib/server/require-account.ts';
import type { Actions, PageServerLoad } from './$types';

export interface ApiKeyView {
  accessKeyId: string;
  accountId: string;
  name: string;
  repository?: string;
  status: 'active' | 'expired' | 'revoked';
  expiresAt?: string;
  createdAt: string;
}

const keysPath = (account: string) => `/api/v1/accounts/${encodeURIComponent(account)}/api-keys`;

export const load: PageServerLoad = async ({ locals, params, url }) => {
  requireAccount(locals, url);
  const { apiKeys } = await locals.api.get<{ apiKeys: ApiKeyView[] }>(keysPath(params.account), { limit: 100 });
  return { accountId: params.account, apiKeys, origin: locals.api.publicOrigin };
};

export const actions: Actions = {
  create: async ({ request, locals, params, url }) => {
    requireAccount(locals, url);
    const form = await request.formData();
    const name = field(form, 'name');
    const repository = field(form, 'repository');
    const expires = field(form, 'expires');
    const body = { name, ...(repository ? { repository } : {}), ...(expires ? { expiresAt: `${expires}T23:59:59Z` } : {}) };
    const response = await locals.api.fetch('POST', keysPath(params.account), { json: body });
    if (response.status !== 201) return fail(400, { name, repository, expires, error: await problemOf(response) });
    // The secret is in this answer only: shown once on the page, never stored by the web app.
    const created = (await response.json()) as { accessKeyId: string; secretAccessKey: string; token: string; name: string };
    return { created: { accessKeyId: created.accessKeyId, secretAccessKey: created.secretAccessKey, token: created.token, name: created.name } };
  },
  revoke: async ({ request, locals, params, url }) => {
    requireAccount(locals, url);
    const form = await request.formData();
    const accessKeyId = field(form, 'accessKeyId');
    const response = await locals.api.fetch('DELETE', `${keysPath(params.account)}/${encodeURIComponent(accessKeyId)}`);
    if (response.status !== 204) return fail(400, { error: await problemOf(response) });
    return { revoked: accessKeyId };
  },
};
